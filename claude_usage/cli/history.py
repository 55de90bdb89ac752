"""`claude-usage history`: how each rate-limit window's use moved, as charts (text or HTML)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from claude_usage.cli.options import (
    Agents,
    EventsPaths,
    HostDirs,
    Preserved,
    StaleAfter,
    UseCache,
    duration_option,
    make_selection,
)

if TYPE_CHECKING:
    from claude_usage.reader.collect import Selection

NO_HISTORY_HINT = (
    "No rate-limit window readings in this range. Windows come from Claude Code sessions "
    "on a Pro/Max plan: wire the status line with `claude-usage install`, send a prompt, "
    "or widen --since."
)


class HistoryFormat(StrEnum):
    text = "text"
    html = "html"


Windows = Annotated[
    list[str] | None,
    typer.Option(
        "--window",
        metavar="KEY",
        help="A window to chart: five_hour or seven_day (or 5h, 7d; repeatable). "
        "Default: every window read.",
    ),
]
Range = Annotated[
    int,
    typer.Option(
        "--since",
        parser=duration_option,
        metavar="DURATION",
        help="The chart's range: from this long ago until now (90, 30s, 5m, 1h30m, 2d).",
    ),
]
HistoryFormatOption = Annotated[HistoryFormat, typer.Option("--format", help="Output format.")]
Output = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout."),
]


def history(
    window: Windows = None,
    since: Range = "7d",  # type: ignore[assignment] - parsed into seconds
    output_format: HistoryFormatOption = HistoryFormat.text,
    output: Output = None,
    stale_after: StaleAfter = "5m",  # type: ignore[assignment]
    host_dir: HostDirs = None,
    events: EventsPaths = None,
    agent: Agents = None,
    preserved: Preserved = True,
    cache: UseCache = True,
) -> None:
    """Chart how each rate-limit window's used % moved over time, per account."""
    selection = make_selection(host_dir, events, agent, preserved, since, stale_after, cache)
    run_history(selection, window, output_format, output)


def run_history(
    selection: Selection,
    window: list[str] | None,
    output_format: HistoryFormat,
    output: Path | None,
    warnings: Sequence[str] = (),
    progress: bool = True,
) -> None:
    """Chart the selection's windows over its `since_seconds`, then say the warnings.

    `warnings`: ones from before the read (mngr's listing); `progress`: a bar on a
    terminal's stderr.
    """
    import shutil

    from claude_usage.cli.output import echo_warnings, reporting_errors
    from claude_usage.cli.progress import progress_on_stderr
    from claude_usage.reader.collect import collect_report
    from claude_usage.reader.history import report_series
    from claude_usage.reader.render.text import age_warning

    since = selection.since_seconds
    with reporting_errors(), progress_on_stderr(enabled=progress) as on_progress:
        result, read_warnings = collect_report(selection, on_progress=on_progress)
    series = report_series(result, since, window)
    if output_format is HistoryFormat.html:
        from claude_usage.reader.render.history_html import render_history_html

        out = render_history_html(series, result.now - since, result.now)
    else:
        from claude_usage.reader.render.history_text import render_history_text

        out = render_history_text(series, shutil.get_terminal_size((80, 24)).columns)
    _write(out, output)
    stale = [age_warning(s, result.now) for s in result.sources if s.is_age_stale]
    hint = [] if series else [NO_HISTORY_HINT]
    echo_warnings([*warnings, *read_warnings, *stale, *hint])


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()  # the chart before the warnings, on a terminal showing both
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        typer.echo(f"claude-usage: cannot write {output}: {error.strerror}", err=True)
        raise typer.Exit(1) from None
