"""Presenters: turn results rows into what a page shows. No I/O; unit-tested in tests/web/presenters."""
