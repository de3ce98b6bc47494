title = "Faster Diagnosis Standard: referral to diagnosis or ruling out"
text = "usc, breast symptomatic and screening referrals, never upgrades, 28 days: CWT rules §1.2, measure table, §8.4 item 4."
