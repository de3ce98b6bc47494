title = "Route classification"
text = "Which referral route a record is on decides its clock start and its measures: CWT route codes [S21, S40] [IMPL S40]."
