"""Early diagnosis: the share of stageable cancers diagnosed at stage 1-2 (with stage completeness)
and the share diagnosed through an emergency presentation, from patient-level registrations
(`counts.registration_counts`, on the engine) or from the published NDRS counts (`ndrs`), turned into
proportions with Wilson intervals and compared with the ambitions (`metrics`). See README.md."""
