title = "Edge cases the published method leaves open"
text = (
    "Records the NHS England guidance and the CWT data set do not settle, and how the project counts "
    "them: blank codes, a pathway stopped by the decision to treat alone, a treatment with no treating "
    "provider and what a rejected record loses (decision 0031, docs/deviations.md)."
)
