"""Self-contained HTML reports (no page loads anything from the internet): `early_diagnosis`."""
