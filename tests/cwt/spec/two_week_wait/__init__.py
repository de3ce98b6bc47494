title = "Two week wait: referral to first seen"
text = "Priority type 3 referrals on the usc and breast symptomatic routes, 14 days: CWT rules measure table, §2.1, §2.2, §3."
