"""Registry of the domain sub-apps and commands: one line per domain. Imported by
`cancer_alliance.cli.main` so that `alliance --help` lists them all."""

from __future__ import annotations

from cancer_alliance.cli import (
    app,
    audit,
    cwt,
    cwt_reports,
    db,
    demo,
    fit,
    followup,
    ingest,
    lung,
    pathways,
    programme,
    radiotherapy,
    reference,
    report,
    results,
    spc,
    synth,
    users,
    web,
)

app.command(name="ingest")(ingest.ingest)
app.add_typer(reference.app, name="reference")
app.add_typer(cwt.app, name="cwt")
cwt.app.command(name="performance")(cwt_reports.performance)
cwt.app.command(name="ptl")(cwt_reports.ptl)
app.add_typer(synth.app, name="synth")
app.command(name="spc")(spc.spc)
app.add_typer(report.app, name="report")
app.add_typer(users.app, name="users")
app.command(name="audit")(audit.audit)
app.command(name="demo")(demo.demo)
app.command(name="serve")(web.serve)
app.add_typer(fit.app, name="fit")
app.add_typer(radiotherapy.app, name="radiotherapy")
app.add_typer(lung.app, name="lung")
app.add_typer(db.app, name="db")
app.add_typer(followup.app, name="followup")
app.add_typer(programme.app, name="programme")
report.app.command(name="board")(programme.board)
app.add_typer(pathways.app, name="pathways")
app.add_typer(results.app, name="results")
