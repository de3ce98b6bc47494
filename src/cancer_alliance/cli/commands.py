"""Registry of the domain sub-apps and commands: one import line per domain."""

from __future__ import annotations

from cancer_alliance.cli import app, users  # noqa: E402

app.add_typer(users.app, name="users")

from cancer_alliance.cli import ingest  # noqa: E402

app.command(name="ingest")(ingest.ingest)

from cancer_alliance.cli import reference  # noqa: E402

app.add_typer(reference.app, name="reference")

from cancer_alliance.cli import cwt  # noqa: E402

app.add_typer(cwt.app, name="cwt")

from cancer_alliance.cli import cwt_reports  # noqa: E402

cwt.app.command(name="performance")(cwt_reports.performance)
cwt.app.command(name="ptl")(cwt_reports.ptl)

from cancer_alliance.cli import synth  # noqa: E402

app.add_typer(synth.app, name="synth")

from cancer_alliance.cli import demo  # noqa: E402

app.command(name="demo")(demo.demo)

from cancer_alliance.cli import spc  # noqa: E402

app.command(name="spc")(spc.spc)

from cancer_alliance.cli import web  # noqa: E402

app.command(name="serve")(web.serve)

from cancer_alliance.cli import report  # noqa: E402

app.add_typer(report.app, name="report")
