title = "Reporting month"
text = "Each row counts in the month of its effective clock stop: CWT reporting conventions [S1, S31] [IMPL S40], measure table."
