title = "The verified targets at their boundaries: lung CT day 3, diagnosis communicated day 28, lung first treatment day 49"

# Day 0 is 2020-03-02 (referral received) for every pathway; b1 is on the target day, b2 the day after.
# Sources: NHS England timed lung pathway (2018) (CT within 72 hours ≈ day 3; 49 days to first treatment) and NHS England timed diagnostic pathways (2018) (FDS, 28 days).


def test_lung_ct_day_3_is_met_and_day_4_is_breached(spec_test):
    """CT on day 3 meets the target; on day 4 it is breached."""
    spec_test("""
        pathway_id | event             | event_date | outcome
        -----------+-------------------+------------+--------
        b1         | referral_received | 2020-03-02 |
        b1         | ct                | 2020-03-05 |
        b2         | referral_received | 2020-03-02 |
        b2         | ct                | 2020-03-06 |
    """, """
        pathway_id | milestone | target_day | day | status
        -----------+-----------+------------+-----+---------
        b1         | ct        | 3          | 3   | met
        b2         | ct        | 3          | 4   | breached
    """, as_of="2020-03-06")


def test_diagnosis_communicated_day_28_is_met_and_day_29_is_breached_on_every_tumour(spec_test):
    """Diagnosis communicated on day 28 meets the Faster Diagnosis target for lung, prostate and colorectal alike; day 29 breaches it."""
    for tumour in ("lung", "prostate", "colorectal"):
        spec_test("""
            pathway_id | event                  | event_date | outcome
            -----------+------------------------+------------+--------
            b1         | referral_received      | 2020-03-02 |
            b1         | diagnosis_communicated | 2020-03-30 | cancer
            b2         | referral_received      | 2020-03-02 |
            b2         | diagnosis_communicated | 2020-03-31 | cancer
        """, """
            pathway_id | tumour | milestone              | target_day | day | status
            -----------+--------+------------------------+------------+-----+---------
            b1         | TUMOUR | diagnosis_communicated | 28         | 28  | met
            b2         | TUMOUR | diagnosis_communicated | 28         | 29  | breached
        """.replace("TUMOUR", tumour.ljust(6)), as_of="2020-04-30", defaults={"tumour": tumour})


def test_lung_first_treatment_day_49_is_met_and_day_50_is_breached(spec_test):
    """First treatment on day 49 is within the maximum lung pathway; day 50 is not."""
    spec_test("""
        pathway_id | event                  | event_date | outcome
        -----------+------------------------+------------+--------
        b1         | referral_received      | 2020-03-02 |
        b1         | diagnosis_communicated | 2020-03-20 | cancer
        b1         | first_treatment        | 2020-04-20 |
        b2         | referral_received      | 2020-03-02 |
        b2         | diagnosis_communicated | 2020-03-20 | cancer
        b2         | first_treatment        | 2020-04-21 |
    """, """
        pathway_id | milestone       | target_day | day | status
        -----------+-----------------+------------+-----+---------
        b1         | first_treatment | 49         | 49  | met
        b2         | first_treatment | 49         | 50  | breached
    """, as_of="2020-05-01")


def test_every_milestone_of_the_definition_gets_a_row(spec_test):
    """A lung pathway has a row for each of its seven milestones, reached or not; the unverified intermediate targets are the editable defaults."""
    spec_test("""
        pathway_id | event             | event_date | outcome
        -----------+-------------------+------------+--------
        p1         | referral_received | 2020-03-02 |
        p1         | ct                | 2020-03-04 |
    """, """
        pathway_id | milestone              | target_day | day | status | sequence | verified
        -----------+------------------------+------------+-----+--------+----------+---------
        p1         | ct                     | 3          | 2   | met    | 1        | T
        p1         | pet_ct                 | 14         |     | open   | 2        | F
        p1         | ebus                   | 21         |     | open   | 3        | F
        p1         | mdt                    | 24         |     | open   | 4        | F
        p1         | diagnosis_communicated | 28         |     | open   | 5        | T
        p1         | decision_to_treat      | 35         |     | open   | 6        | F
        p1         | first_treatment        | 49         |     | open   | 7        | T
    """, as_of="2020-03-04")
