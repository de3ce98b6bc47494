title = "Milestone statuses of a timed diagnostic pathway"
text = """Day 0 is the referral, or the consultant upgrade when later; a milestone is met when its day
(calendar days from day 0) is at most its target (NHS England timed diagnostic pathways (2018); issue 12 items 1-3)."""
