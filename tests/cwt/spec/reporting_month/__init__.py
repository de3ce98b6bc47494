title = "Reporting month"
text = "Each row counts in the month of its effective clock stop: CWT rules §6 [IMPL S40], measure table."
