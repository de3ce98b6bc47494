title = "62 days: referral or consultant upgrade to first definitive treatment"
text = "First treatments on the usc, breast symptomatic, screening and upgrade routes: the measure table of cwt/measures.py, CWT clock starts and stops [S1, S22], CWT treatment codes [S19, S44], CWT adjustments [S16, S24]."
