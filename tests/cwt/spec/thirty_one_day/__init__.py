title = "31 days: decision to treat (or ECAD) to treatment"
text = "First and subsequent treatments, modality groups, modality 98 excluded: CWT rules measure table, §2.2, §2.3 [IMPL S40]."
