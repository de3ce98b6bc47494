"""The record every spec table starts from: an urgent suspected cancer (two week wait) referral
with a first definitive surgical treatment event, no dates, no providers. Each table gives the
columns its behaviour is about; everything else is this baseline (CWT treatment codes [S19, S44], CWT route codes [S21, S40])."""

BASELINE = {
    "nhs_number": "pseudonym-0001",  # a pseudonym, as in the lake; never a real NHS number
    "priority_type": "3",  # two week wait
    "source_of_referral": "03",  # GP referral, not screening (17)
    "referral_type": "01",  # a suspected cancer type, not breast symptomatic (16)
    "treatment_event_type": "01",  # first definitive treatment for a new primary cancer
    "treatment_modality": "23",  # surgery
}
