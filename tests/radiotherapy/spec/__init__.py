title = "Radiotherapy service specification compliance"
text = (
    "Providers and networks against the measurable requirements of NHS England service specification "
    "B01/S/a (NHS England service specification B01/S/a), each case worked by hand from the requirements table."
)
