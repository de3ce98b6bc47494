title = "Faster Diagnosis Standard: referral to diagnosis or ruling out"
text = "usc, breast symptomatic and screening referrals, never upgrades, 28 days: FDS [S1, S17], measure table, docs/deviations.md."
