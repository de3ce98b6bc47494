title = "Adjustments"
text = "Submitted adjustment days are subtracted exactly as the table says, whatever the reason code: CWT rules §3 [IMPL S40]."
