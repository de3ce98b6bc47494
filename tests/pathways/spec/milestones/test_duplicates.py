title = "A milestone reached more than once counts its first date"

# Issue 12 item 3. Referral 2020-03-02. Duplicates are valid events (ingest quarantines only a second
# start event); the order of the rows does not matter.


def test_a_repeated_ct_counts_its_first_date(spec_test):
    """CTs on days 6 and 2 (in that row order): the milestone is reached on day 2, met."""
    spec_test("""
        pathway_id | event             | event_date | outcome
        -----------+-------------------+------------+--------
        d1         | referral_received | 2020-03-02 |
        d1         | ct                | 2020-03-08 |
        d1         | ct                | 2020-03-04 |
    """, """
        pathway_id | milestone | target_day | day | status
        -----------+-----------+------------+-----+-------
        d1         | ct        | 3          | 2   | met
    """, as_of="2020-03-20")


def test_either_straight_to_test_event_reaches_the_colorectal_milestone(spec_test):
    """Colorectal straight-to-test is reached by a colonoscopy or a CT colonography, whichever is first."""
    spec_test("""
        pathway_id | event             | event_date | outcome
        -----------+-------------------+------------+--------
        d2         | referral_received | 2020-03-02 |
        d2         | colonoscopy       | 2020-03-20 |
        d2         | ct_colonography   | 2020-03-12 |
    """, """
        pathway_id | milestone        | target_day | day | status
        -----------+------------------+------------+-----+-------
        d2         | straight_to_test | 14         | 10  | met
    """, as_of="2020-03-20", defaults={"tumour": "colorectal"})


def test_the_first_diagnosis_communicated_decides_the_outcome(spec_test):
    """Cancer communicated first, a ruled-out record later: the first date and its outcome count."""
    spec_test("""
        pathway_id | event                  | event_date | outcome
        -----------+------------------------+------------+----------
        d3         | referral_received      | 2020-03-02 |
        d3         | diagnosis_communicated | 2020-03-20 | cancer
        d3         | diagnosis_communicated | 2020-03-25 | ruled_out
    """, """
        pathway_id | milestone              | target_day | day | status  | outcome
        -----------+------------------------+------------+-----+---------+--------
        d3         | diagnosis_communicated | 28         | 18  | met     | cancer
        d3         | first_treatment        | 49         |     | overdue | cancer
    """, as_of="2020-05-01")
