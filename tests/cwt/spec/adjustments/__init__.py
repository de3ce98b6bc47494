title = "Adjustments"
text = "Submitted adjustment days are subtracted exactly as the table says, whatever the reason code: CWT adjustments [S16, S24] [IMPL S40]."
