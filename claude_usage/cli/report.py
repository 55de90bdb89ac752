"""The report (the default command): per-session costs, totals by auth mode, windows."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from claude_usage.cli.options import (
    Agents,
    By,
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
    Utc,
    make_selection,
)

if TYPE_CHECKING:
    from claude_usage.reader.report import Report
    from claude_usage.reader.rollup import Rollup

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
    by: By = None,
    utc: Utc = False,
) -> None:
    """Report costs per session and auth mode, and the rate-limit windows."""
    from claude_usage.cli.output import reporting_errors
    from claude_usage.cli.progress import progress_on_stderr
    from claude_usage.reader.collect import collect_report

    fmt = Format.json if json_flag else output_format
    check_rollup(by, fmt)
    selection = make_selection(host_dir, events, agent, preserved, since, stale_after, cache)
    with reporting_errors(), progress_on_stderr() as on_progress:
        result, warnings = collect_report(selection, on_progress=on_progress)
    emit_report(result, fmt, detail, warnings, make_rollup(result, by, utc), utc)


def check_rollup(by: list[str] | None, fmt: Format) -> None:
    """A usage error for levels that make no rollup, or a format that cannot show one."""
    from claude_usage.reader.rollup import RollupError, check_levels

    if not by:
        return
    try:
        check_levels([str(level) for level in by])
    except RollupError as error:
        raise typer.BadParameter(str(error), param_hint="--by") from None
    if fmt is Format.prometheus:
        raise typer.BadParameter("a rollup is shown as a table or JSON", param_hint="--by")


def make_rollup(result: Report, by: list[str] | None, utc: bool) -> Rollup | None:
    """The report's kept sessions rolled up by `by`, days in the local zone or UTC."""
    if not by:
        return None
    from claude_usage.reader.rollup import build_rollup
    from claude_usage.reader.zone import Zone

    zone = Zone(utc)
    levels = [str(level) for level in by]
    since_start = result.now - result.since_seconds
    return build_rollup(
        result.kept_sessions(), levels, zone.day, since_start, zone.name(result.now)
    )


def emit_report(
    result: Report,
    fmt: Format,
    detail: bool,
    warnings: list[str],
    rollup: Rollup | None = None,
    utc: bool = False,
) -> None:
    """Print the report (or its rollup) on stdout and the warnings and hints on stderr."""
    from claude_usage.cli.output import echo_warnings

    if rollup is not None and fmt is Format.human:
        out, warnings = _render_rollup(rollup, utc, warnings)
    else:
        out, warnings = _render(result, fmt, detail, warnings, rollup)
    sys.stdout.write(out)
    sys.stdout.flush()  # the report before the warnings, on a terminal showing both
    echo_warnings(warnings)


def _render_rollup(rollup: Rollup, utc: bool, warnings: list[str]) -> tuple[str, list[str]]:
    import shutil

    from claude_usage.reader.render.rollup_text import render_rollup_text
    from claude_usage.reader.zone import Zone

    if not rollup.rows:
        return "", [*warnings, NO_DATA_HINT]
    width = shutil.get_terminal_size((100, 24)).columns
    return render_rollup_text(rollup, Zone(utc).clock, width), warnings


def _render(
    result: Report, fmt: Format, detail: bool, warnings: list[str], rollup: Rollup | None = None
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
    return render_json(result, detail, rollup).decode(), warnings
