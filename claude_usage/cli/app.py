"""The typer app and the console-script entry point.

`claude-usage` with no command (or with only options) runs `report`. Commands import what
they need inside their own function, so `--help` stays fast.
"""

from __future__ import annotations

import click
import typer
from typer.core import TyperGroup

from claude_usage import __version__
from claude_usage.cli import (
    doctor,
    history,
    install,
    report,
    uninstall,
    wait,
    watch,
    zipapp_command,
)

DEFAULT_COMMAND = "report"


class _ReportByDefault(TyperGroup):
    """A group whose default command is `report`: `claude-usage --json` means `report --json`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first = args[0] if args else None
        if first is None or (first.startswith("-") and first not in ("--help", "-h", "--version")):
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    name="claude-usage",
    cls=_ReportByDefault,
    help="Record and report what Claude Code agents cost and how much of the plan's "
    "rate-limit windows they use. Without a command: report.",
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
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


app.command("report")(report.report)
app.command("watch")(watch.watch)
app.command("wait")(wait.wait)
app.command("history")(history.history)
app.command("install")(install.install)
app.command("uninstall")(uninstall.uninstall)
app.command("doctor")(doctor.doctor)
app.command("zipapp")(zipapp_command.zipapp)


def main() -> None:
    """Console-script entry point."""
    app()
