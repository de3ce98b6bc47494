"""Lung health checks (issue #10): PLCOm2012 and LLP risk models, TLHC eligibility and the programme
journey, BTS 2015 nodule management with the Brock model, and targeting. See README.md here."""
