from cancer_alliance.pathways import PathwaySettings

title = "Cancer ruled out: the later milestones do not apply"

# Issue 12 item 3: not_applicable = milestones after diagnosis_communicated when its outcome is
# ruled_out (e.g. first treatment). Referral 2020-03-02.


def test_ruled_out_makes_the_later_milestones_not_applicable(spec_test):
    """Ruled out on day 20: decision to treat and first treatment are not applicable, even long after their targets; the milestones before diagnosis keep their statuses."""
    spec_test("""
        pathway_id | event                  | event_date | outcome
        -----------+------------------------+------------+----------
        r1         | referral_received      | 2020-03-02 |
        r1         | ct                     | 2020-03-04 |
        r1         | diagnosis_communicated | 2020-03-22 | ruled_out
    """, """
        pathway_id | milestone              | target_day | day | status
        -----------+------------------------+------------+-----+---------------
        r1         | ct                     | 3          | 2   | met
        r1         | diagnosis_communicated | 28         | 20  | met
        r1         | decision_to_treat      | 35         |     | not_applicable
        r1         | first_treatment        | 49         |     | not_applicable
    """, as_of="2020-06-01")


def test_cancer_confirmed_keeps_the_later_milestones(spec_test):
    """The same pathway with cancer confirmed: first treatment is overdue once day 49 has passed."""
    spec_test("""
        pathway_id | event                  | event_date | outcome
        -----------+------------------------+------------+-------
        r2         | referral_received      | 2020-03-02 |
        r2         | diagnosis_communicated | 2020-03-22 | cancer
    """, """
        pathway_id | milestone         | target_day | day | status
        -----------+-------------------+------------+-----+--------
        r2         | decision_to_treat | 35         |     | overdue
        r2         | first_treatment   | 49         |     | overdue
    """, as_of="2020-06-01")


def test_a_ruled_out_prostate_pathway_ends_at_diagnosis(spec_test):
    """Prostate's definition ends at diagnosis communicated: ruled out leaves nothing not applicable."""
    spec_test("""
        pathway_id | event                  | event_date | outcome
        -----------+------------------------+------------+----------
        r3         | referral_received      | 2020-03-02 |
        r3         | diagnosis_communicated | 2020-03-16 | ruled_out
    """, """
        pathway_id | milestone              | target_day | day | status
        -----------+------------------------+------------+-----+-------
        r3         | diagnosis_communicated | 28         | 14  | met
    """, as_of="2020-06-01", defaults={"tumour": "prostate"})


def test_a_setting_makes_tests_never_done_not_applicable_once_ruled_out(spec_test):
    """With `skipped_tests_not_applicable_when_ruled_out` (a local choice; off by default), a prostate pathway ruled out after a normal mpMRI shows its biopsy as not applicable instead of overdue; a test that was done keeps its status."""
    spec_test("""
        pathway_id | event                  | event_date | outcome
        -----------+------------------------+------------+----------
        r4         | referral_received      | 2020-03-02 |
        r4         | mpmri                  | 2020-03-07 |
        r4         | diagnosis_communicated | 2020-03-16 | ruled_out
    """, """
        pathway_id | milestone              | target_day | day | status
        -----------+------------------------+------------+-----+---------------
        r4         | triage                 | 3          |     | not_applicable
        r4         | mpmri                  | 7          | 5   | met
        r4         | biopsy                 | 14         |     | not_applicable
        r4         | diagnosis_communicated | 28         | 14  | met
    """, as_of="2020-06-01", defaults={"tumour": "prostate"}, settings=PathwaySettings(skipped_tests_not_applicable_when_ruled_out=True))


def test_by_default_a_test_never_done_is_overdue_even_when_ruled_out(spec_test):
    """The issue's rule: only milestones after diagnosis communicated become not applicable."""
    spec_test("""
        pathway_id | event                  | event_date | outcome
        -----------+------------------------+------------+----------
        r4         | referral_received      | 2020-03-02 |
        r4         | mpmri                  | 2020-03-07 |
        r4         | diagnosis_communicated | 2020-03-16 | ruled_out
    """, """
        pathway_id | milestone | target_day | day | status
        -----------+-----------+------------+-----+--------
        r4         | biopsy    | 14         |     | overdue
    """, as_of="2020-06-01", defaults={"tumour": "prostate"})
