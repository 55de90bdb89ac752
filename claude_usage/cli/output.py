"""What the commands print: their steps on stdout, the project's errors on stderr."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from claude_usage.errors import ClaudeUsageError

if TYPE_CHECKING:
    from claude_usage.provision.steps import Step


@contextmanager
def reporting_errors() -> Iterator[None]:
    """Turn a ClaudeUsageError into `claude-usage: <message>` on stderr and its exit code."""
    try:
        yield
    except ClaudeUsageError as error:
        typer.echo(f"claude-usage: {error}", err=True)
        raise typer.Exit(error.exit_code) from None


def echo_warnings(warnings: Sequence[str]) -> None:
    """Each as `warning: <message>` on stderr."""
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)


def echo_steps(plan: Sequence[Step], dry_run: bool) -> None:
    """One line per step; `nothing to change` when no step changes a file."""
    for step in plan:
        typer.echo(step.describe(dry_run))
    if all(step.action == "keep" for step in plan):
        typer.echo("nothing to change")
