"""The typer app and the console-script entry point.

Commands import what they need inside their own function, so `--help` stays fast.
"""

from __future__ import annotations

import typer

from claude_usage import __version__
from claude_usage.cli import zipapp_command

app = typer.Typer(
    name="claude-usage",
    help="Record and report what Claude Code agents cost and how much of the plan's "
    "rate-limit windows they use.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"claude-usage {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        help="Print the version and exit.",
        callback=_print_version,
        is_eager=True,
    ),
) -> None:
    """Record and report Claude Code cost and rate-limit usage."""


app.command("zipapp")(zipapp_command.zipapp)


def main() -> None:
    """Console-script entry point."""
    app()
