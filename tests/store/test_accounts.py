"""Accounts: roles and organisations, Argon2 passwords, sign-in throttling (issue 6, "Accounts and roles")."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from cancer_alliance.store import (
    AccountError,
    AuditAction,
    AuditEvent,
    Auditor,
    Role,
    UserAccount,
    authenticate,
    change_password,
    create_user,
    deactivate,
    find_user,
    verify_password,
)
from cancer_alliance.store.accounts import (
    FIRST_LOCKOUT,
    MAX_FAILED_LOGINS,
    MAX_LOCKOUT,
    SIGN_IN_JOB,
    known_organisation,
    lockout,
)
from cancer_alliance.store.models import utcnow

from .conftest import known_for_tests

pytestmark = pytest.mark.store

PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_user(store, unique):
    """Create and commit a user; returns its id and username."""

    def make(role=Role.trust, organisation_code="RTA", password=PASSWORD, **fields):
        with store.begin() as session:
            user = create_user(
                session,
                Auditor(session, job_id=unique("test-job")),
                username=unique("user"),
                role=role,
                organisation_code=organisation_code,
                password=password,
                organisation_known=known_for_tests,
                **fields,
            )
            return user.id, user.username

    return make


def events_for(session, user_id: int) -> list[AuditEvent]:
    query = select(AuditEvent).where(
        AuditEvent.object_type == "user_account", AuditEvent.object_id == str(user_id)
    )
    return list(session.scalars(query.order_by(AuditEvent.id)))


def test_a_new_users_password_is_an_argon2id_hash_that_verifies(store, make_user):
    user_id, _ = make_user()
    with store.session() as session:
        user = session.get(UserAccount, user_id)
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        assert verify_password(user, PASSWORD)


@pytest.mark.parametrize(
    "wrong", ["", "correct horse battery stapl", "Correct horse battery staple", PASSWORD + " "]
)
def test_a_wrong_password_does_not_verify(store, make_user, wrong):
    user_id, _ = make_user()
    with store.session() as session:
        assert not verify_password(session.get(UserAccount, user_id), wrong)


def test_creating_a_user_is_audited_without_the_password_or_its_hash(store, make_user):
    user_id, username = make_user(display_name="Pat Tracker")
    with store.session() as session:
        user = session.get(UserAccount, user_id)
        (created,) = events_for(session, user_id)
        assert (created.action, created.actor_id) == (AuditAction.create, None)
        assert created.job_id.startswith("test-job-")
        assert created.details["snapshot"]["username"] == username
        assert created.details["snapshot"]["display_name"] == "Pat Tracker"
        assert "password_hash" not in created.details["snapshot"]
        recorded = json.dumps(created.details)
        assert user.password_hash not in recorded and PASSWORD not in recorded


def test_usernames_are_unique_ignoring_case(store, make_user):
    _, username = make_user()
    with store.begin() as session, pytest.raises(AccountError, match="already exists"):
        create_user(
            session,
            Auditor(session, job_id="test"),
            username=username.upper(),
            role=Role.national,
            password=PASSWORD,
        )


def test_the_database_refuses_a_duplicate_username(store, make_user):
    _, username = make_user()
    row = {
        "username": username,
        "display_name": "Copy",
        "password_hash": "x",
        "role": "national",
        "created_at": utcnow(),
    }
    with store.session() as session, pytest.raises(IntegrityError):
        session.execute(insert(UserAccount).values(row))


@pytest.mark.parametrize(
    ("role", "organisation_code", "expected"),
    [
        (Role.national, None, None),
        (Role.alliance, "E56000001", "E56000001"),
        (Role.trust, "rta", "RTA"),  # codes are upper-cased
        (Role.trust, " RTB ", "RTB"),
    ],
)
def test_valid_roles_and_organisations_are_accepted(store, make_user, role, organisation_code, expected):
    user_id, _ = make_user(role=role, organisation_code=organisation_code)
    with store.session() as session:
        user = session.get(UserAccount, user_id)
        assert (user.role, user.organisation_code, user.active) == (role, expected, True)


@pytest.mark.parametrize(
    ("role", "organisation_code", "message"),
    [
        (Role.national, "RTA", "national users have no organisation code"),
        (Role.alliance, None, "need an organisation code"),
        (Role.trust, "", "need an organisation code"),
        (Role.alliance, "RTA", "not a known alliance ONS code"),  # a trust code for an alliance user
        (Role.trust, "E56000001", "not a known trust ODS code"),
        ("public", None, "role 'public'"),  # the public signs in with no account
    ],
)
def test_roles_and_organisations_that_do_not_fit_are_refused(
    store, make_user, role, organisation_code, message
):
    with pytest.raises(AccountError, match=message):
        make_user(role=role, organisation_code=organisation_code)


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("a", PASSWORD, "username"),
        ("has space", PASSWORD, "username"),
        ("-leading-dash", PASSWORD, "username"),
        ("ok.name", "short", "password refused: too short"),
    ],
)
def test_bad_usernames_and_short_passwords_are_refused(store, username, password, message):
    with store.begin() as session, pytest.raises(AccountError, match=message):
        create_user(
            session, Auditor(session, job_id="test"), username=username, role="national", password=password
        )


def test_the_database_refuses_an_organisation_that_does_not_fit_the_role(store, unique):
    """The check constraint holds even when the account functions are bypassed."""
    with store.session() as session, pytest.raises(IntegrityError):
        session.add(
            UserAccount(
                username=unique("n"),
                display_name="N",
                password_hash="x",
                role=Role.national,
                organisation_code="RTA",
            )
        )
        session.flush()


@pytest.mark.parametrize(
    ("role", "code", "known"),
    [
        (Role.alliance, "E56000017", True),  # 2018/19 vintage
        (Role.trust, "RGT", True),
        (Role.alliance, "RGT", False),
        (Role.trust, "E56000017", False),
        (Role.trust, "XXX", False),
    ],
)
def test_organisations_are_checked_against_the_reference_data(role, code, known):
    assert known_organisation(role, code) is known


def test_a_new_password_replaces_the_old_and_the_change_is_audited_by_name_only(store, make_user):
    user_id, _ = make_user()
    with store.begin() as session:
        user = session.get(UserAccount, user_id)
        change_password(user, "a brand new passphrase", Auditor(session, actor_id=user_id))
    with store.session() as session:
        user = session.get(UserAccount, user_id)
        assert verify_password(user, "a brand new passphrase") and not verify_password(user, PASSWORD)
        updated = events_for(session, user_id)[-1]
        assert (updated.action, updated.actor_id) == (AuditAction.update, user_id)
        assert "password_hash" in updated.details["changed"]
        assert user.password_hash not in json.dumps(updated.details)


def test_a_deactivated_user_cannot_sign_in(store, make_user):
    user_id, username = make_user()
    with store.begin() as session:
        deactivate(session.get(UserAccount, user_id), Auditor(session, job_id="test"))
    with store.begin() as session:
        assert authenticate(session, username, PASSWORD) is None
    with store.session() as session:
        *_, update, refused = events_for(session, user_id)
        assert update.details["changed"] == ["active"]
        assert (refused.action, refused.details["reason"]) == (
            AuditAction.login_failed,
            "account deactivated",
        )


def test_signing_in_records_the_time_and_a_login_event(store, make_user):
    user_id, username = make_user()
    with store.begin() as session:
        user = authenticate(session, username.upper(), PASSWORD, request_id="req-1")
        assert user is not None and user.id == user_id
    with store.session() as session:
        user = session.get(UserAccount, user_id)
        login = events_for(session, user_id)[-1]
        assert (login.action, login.actor_id, login.request_id) == (AuditAction.login, user_id, "req-1")
        assert user.last_login_at is not None and abs(utcnow() - user.last_login_at) < timedelta(minutes=1)


def test_repeated_wrong_passwords_throttle_that_address_for_that_account_only(store, make_user):
    """Decision record 0029: a guesser at one address waits; the user signs in from elsewhere."""
    user_id, username = make_user()
    start = utcnow()
    for _ in range(MAX_FAILED_LOGINS):
        with store.begin() as session:
            assert authenticate(session, username, "not the password", address="10.0.0.9", now=start) is None
    almost = start + FIRST_LOCKOUT - timedelta(seconds=1)
    with store.begin() as session:
        assert authenticate(session, username, PASSWORD, address="10.0.0.9", now=almost) is None
    with store.begin() as session:
        assert authenticate(session, username, PASSWORD, address="10.0.0.1", now=almost) is not None
    with store.begin() as session:
        after = start + FIRST_LOCKOUT + timedelta(seconds=1)
        assert authenticate(session, username, PASSWORD, address="10.0.0.9", now=after) is not None
    with store.session() as session:
        reasons = [event.details.get("reason") for event in events_for(session, user_id)[1:]]
        assert reasons == ["wrong password"] * MAX_FAILED_LOGINS + ["address throttled", None, None]
        assert session.get(UserAccount, user_id).failed_login_count == 0


@pytest.mark.parametrize(
    ("failures", "wait"),
    [
        (MAX_FAILED_LOGINS, FIRST_LOCKOUT),
        (MAX_FAILED_LOGINS + 1, 2 * FIRST_LOCKOUT),
        (MAX_FAILED_LOGINS + 3, 8 * FIRST_LOCKOUT),
        (MAX_FAILED_LOGINS + 40, MAX_LOCKOUT),
    ],
)
def test_the_wait_doubles_with_each_further_wrong_password_up_to_a_cap(failures, wait):
    assert lockout(failures) == wait


def test_every_refusal_spends_one_argon2_verification_whatever_the_account_state(
    store, make_user, monkeypatch
):
    """A locked or deactivated account must answer as slowly as a wrong password (decision record 0029)."""
    from cancer_alliance.store import accounts

    locked_id, locked = make_user()
    gone_id, gone = make_user()
    with store.begin() as session:
        deactivate(session.get(UserAccount, gone_id), Auditor(session, job_id="test"))
    start = utcnow()
    for _ in range(MAX_FAILED_LOGINS):
        with store.begin() as session:
            authenticate(session, locked, "not the password", now=start)
    calls: list[str] = []
    real = accounts._hasher

    class Counting:
        def verify(self, *args):
            calls.append("v")
            return real.verify(*args)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(accounts, "_hasher", Counting())
    for username in (locked, gone, "nobody-at-all", locked):
        with store.begin() as session:
            authenticate(session, username, PASSWORD, now=start)
        assert calls == ["v"], username
        calls.clear()


def test_an_unknown_username_is_refused_and_audited_under_the_sign_in_job(store, unique):
    username = unique("nobody")
    with store.begin() as session:
        assert authenticate(session, username, PASSWORD) is None
    with store.session() as session:
        query = select(AuditEvent).where(
            AuditEvent.action == AuditAction.login_failed, AuditEvent.job_id == SIGN_IN_JOB
        )
        refusals = [event for event in session.scalars(query) if event.details["username"] == username]
        assert [(event.actor_id, event.details["reason"]) for event in refusals] == [
            (None, "unknown username")
        ]
        assert find_user(session, username) is None


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        (" " * 12, "a repeated pattern"),
        ("password1234", "most common passwords"),
        ("Qwerty!!2024", "most common passwords"),
        ("123456789012", "most common passwords"),
        ("jo.bloggs-is-me", "your name or username"),
        ("Bloggs rocks a lot", "your name or username"),
    ],
)
def test_passwords_are_checked_against_common_passwords_and_the_users_name(store, unique, password, reason):
    """NCSC password policy guidance: deny-list the common passwords; refuse the user's own name."""
    with store.begin() as session, pytest.raises(AccountError, match=reason):
        create_user(
            session,
            Auditor(session, job_id="test"),
            username=unique("jo.bloggs"),
            display_name="Jo Bloggs",
            role=Role.national,
            password=password,
        )


def test_changing_password_role_or_deactivating_ends_every_session_of_the_account(store, make_user):
    from cancer_alliance.store.accounts import change_role
    from cancer_alliance.store.web_sessions import session_user, start_session

    changes = [
        lambda user, auditor: change_password(user, "a brand new passphrase", auditor),
        lambda user, auditor: change_role(user, Role.trust, "RTB", auditor, known_for_tests),
        lambda user, auditor: deactivate(user, auditor),
    ]
    for change in changes:
        user_id, _ = make_user()
        with store.begin() as session:
            tokens = [start_session(session, user_id), start_session(session, user_id)]
        other_id, _ = make_user()
        with store.begin() as session:
            other = start_session(session, other_id)
        with store.begin() as session:
            assert all(session_user(session, token).id == user_id for token in tokens)
            change(session.get(UserAccount, user_id), Auditor(session, job_id="test"))
        with store.session() as session:
            assert [session_user(session, token) for token in tokens] == [None, None]
            assert session_user(session, other).id == other_id


def test_sessions_past_their_lifetime_are_purged_and_younger_ones_kept(store, make_user):
    """Issue 21: rows of sessions no cookie can use any more (started over `SESSION_LIFETIME` ago)
    are deleted; a session a minute short of it still works."""
    from sqlalchemy import update

    from cancer_alliance.store.web_sessions import (
        SESSION_LIFETIME,
        WebSession,
        purge_expired_sessions,
        session_user,
        start_session,
    )

    old_id, _ = make_user()
    young_id, _ = make_user()
    now = utcnow()
    with store.begin() as session:
        old = [start_session(session, old_id), start_session(session, old_id)]
        young = start_session(session, young_id)
    with store.begin() as session:
        for user_id, age in (
            (old_id, SESSION_LIFETIME + timedelta(minutes=1)),
            (young_id, SESSION_LIFETIME - timedelta(minutes=1)),
        ):
            session.execute(
                update(WebSession).where(WebSession.user_id == user_id).values(started_at=now - age)
            )
    with store.begin() as session:
        assert purge_expired_sessions(session, now=now) >= 2
    with store.session() as session:
        left = set(
            session.scalars(select(WebSession.user_id).where(WebSession.user_id.in_([old_id, young_id])))
        )
        assert left == {young_id}
        assert [session_user(session, token) for token in old] == [None, None]
        assert session_user(session, young).id == young_id
