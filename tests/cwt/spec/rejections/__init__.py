title = "Records that cannot be evaluated"
text = "Missing or contradictory dates are reported with a reason, never silently dropped: issue 3 item 1; date orders from schemas/cwt.toml."
