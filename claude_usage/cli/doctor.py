"""`claude-usage doctor`: where things are and whether the status line works."""

from __future__ import annotations

import typer

from claude_usage.cli.output import reporting_errors


def doctor() -> None:
    """Show where things are, the status line's wiring and Python, and the last event."""
    import os
    import time

    from claude_usage.provision.doctor import FAIL, run_checks

    with reporting_errors():
        checks = run_checks(os.environ, time.time())
    for check in checks:
        typer.echo(check.line())
    if any(check.status == FAIL for check in checks):
        raise typer.Exit(1)
