"""The statistics layer: Making Data Count SPC (`spc`), funnel plots (`funnel`), Wilson intervals
(`intervals`), disclosure control for public outputs (`disclosure`) and Vega-Lite chart specs
(`charts`). It works on small aggregated tables, so pandas and numpy are used directly (design.md,
"Statistics"); the patient-level rules stay on the engine."""
