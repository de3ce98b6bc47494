title = "Two week wait: referral to first seen"
text = "Priority type 3 referrals on the usc and breast symptomatic routes, 14 days: the measure table of cwt/measures.py, CWT day counting [S1], CWT clock starts and stops [S1, S22], CWT adjustments [S16, S24]."
