title = "Route classification"
text = "Which referral route a record is on decides its clock start and its measures: CWT rules §2.4 [IMPL S40]."
