"""The report (the default command): per-session costs, totals by auth mode, windows."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from claude_usage.cli.options import (
    Agents,
    Detail,
    EventsPaths,
    Format,
    FormatOption,
    HostDirs,
    JsonFlag,
    Preserved,
    Since,
    StaleAfter,
    UseCache,
    make_selection,
)

if TYPE_CHECKING:
    from claude_usage.reader.report import Report

NO_DATA_HINT = (
    "No usage data yet: no events found. Wire the status line with `claude-usage install` "
    "(or create agents with mngr and this plugin installed), then send a prompt. Destroyed "
    "agents count by default; --no-preserved leaves them out."
)


def report(
    json_flag: JsonFlag = False,
    output_format: FormatOption = Format.human,
    detail: Detail = False,
    since: Since = "24h",  # type: ignore[assignment] - parsed into seconds
    stale_after: StaleAfter = "5m",  # type: ignore[assignment]
    host_dir: HostDirs = None,
    events: EventsPaths = None,
    agent: Agents = None,
    preserved: Preserved = True,
    cache: UseCache = True,
) -> None:
    """Report costs per session and auth mode, and the rate-limit windows."""
    from claude_usage.cli.output import reporting_errors
    from claude_usage.cli.progress import progress_on_stderr
    from claude_usage.reader.collect import collect_report

    selection = make_selection(host_dir, events, agent, preserved, since, stale_after, cache)
    with reporting_errors(), progress_on_stderr() as on_progress:
        result, warnings = collect_report(selection, on_progress=on_progress)
    emit_report(result, Format.json if json_flag else output_format, detail, warnings)


def emit_report(result: Report, fmt: Format, detail: bool, warnings: list[str]) -> None:
    """Print the report on stdout and the warnings (and the no-data hint) on stderr."""
    out, warnings = _render(result, fmt, detail, warnings)
    sys.stdout.write(out)
    sys.stdout.flush()  # the report before the warnings, on a terminal showing both
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)


def _render(
    result: Report, fmt: Format, detail: bool, warnings: list[str]
) -> tuple[str, list[str]]:
    if fmt is Format.human:
        from claude_usage.reader.render.text import render_text, rendered_anything

        out, stale = render_text(result, detail)
        warnings = warnings + stale
        if not rendered_anything(result, detail):
            warnings.append(NO_DATA_HINT)
        return out, warnings
    if not result.sources:
        warnings = [*warnings, NO_DATA_HINT]
    if fmt is Format.prometheus:
        from claude_usage.reader.render.prometheus import render_prometheus

        return render_prometheus(result), warnings
    from claude_usage.reader.render.json import render_json

    # jsonl prints the same single line as json, as upstream's `--format jsonl` does.
    return render_json(result, detail).decode(), warnings
