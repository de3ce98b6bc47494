title = "62 days: referral or consultant upgrade to first definitive treatment"
text = "First treatments on the usc, breast symptomatic, screening and upgrade routes: CWT rules measure table, §2.2, §2.3, §3."
