title = "31 days: decision to treat (or ECAD) to treatment"
text = "First and subsequent treatments, modality groups, modality 98 excluded: the measure table of cwt/measures.py, CWT clock starts and stops [S1, S22], CWT treatment codes [S19, S44] [IMPL S40]."
