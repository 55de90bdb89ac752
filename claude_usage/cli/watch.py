"""`watch`: the report redrawn in place every --interval, or a line per tick into a pipe."""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from claude_usage.cli.options import (
    Agents,
    EventsPaths,
    HostDirs,
    Preserved,
    Since,
    StaleAfter,
    Utc,
    make_selection,
    seconds_option,
)

if TYPE_CHECKING:
    from claude_usage.reader.collect import Selection
    from claude_usage.reader.progress import OnProgress
    from claude_usage.reader.report import Report
    from claude_usage.reader.rollup import Rollup

Interval = Annotated[
    float,
    typer.Option(
        "--interval",
        parser=seconds_option,
        metavar="DURATION",
        help="How often to read the new events and redraw (0.5s, 2s, 1m).",
    ),
]
Count = Annotated[
    int | None,
    typer.Option("--count", min=1, help="Stop after this many ticks. Default: until Ctrl-C."),
]


def watch(
    interval: Interval = "2s",  # type: ignore[assignment] - parsed into seconds
    count: Count = None,
    since: Since = "24h",  # type: ignore[assignment]
    stale_after: StaleAfter = "5m",  # type: ignore[assignment]
    host_dir: HostDirs = None,
    events: EventsPaths = None,
    agent: Agents = None,
    preserved: Preserved = True,
    utc: Utc = False,
) -> None:
    """Redraw the report, windows, pace and the last hour's top agents until Ctrl-C."""
    from claude_usage.cli.output import reporting_errors

    # The incremental cache is what makes a tick cheap: each reads only the new bytes.
    selection = make_selection(host_dir, events, agent, preserved, since, stale_after, True)
    # Ctrl-C is how a watch ends: no traceback, exit 0.
    with reporting_errors(), contextlib.suppress(KeyboardInterrupt):
        run_watch(selection, interval, count, utc)


def read_tick(
    selection: Selection, utc: bool, on_progress: OnProgress | None = None
) -> tuple[Report, Rollup, int, list[str]]:
    """One tick's report, its agents' shares since the last hour began, and the warnings."""
    from claude_usage.reader.collect import collect_report
    from claude_usage.reader.render.watch_text import recent_start
    from claude_usage.reader.rollup import build_rollup
    from claude_usage.reader.zone import Zone

    report, warnings = collect_report(selection, on_progress=on_progress)
    start = recent_start(report.now)
    recent = build_rollup(
        report.kept_sessions(), ["agent"], Zone(utc).day, start, shares_from=start
    )
    return report, recent, start, warnings


def run_watch(
    selection: Selection, interval: float, count: int | None, utc: bool, progress: bool = True
) -> None:
    """Tick until `count` ticks or Ctrl-C: in place on a terminal, a line per tick otherwise.

    `progress`: the first tick's bar on a terminal's stderr.
    """
    import time

    from claude_usage.cli.output import echo_warnings
    from claude_usage.cli.progress import progress_on_stderr
    from claude_usage.reader.render.watch_text import watch_frame, watch_line
    from claude_usage.reader.zone import Zone

    zone = Zone(utc)
    seen: set[str] = set()
    live = None
    try:
        tick = 0
        while count is None or tick < count:
            began = time.monotonic()
            if tick == 0:  # the read that may be big: a bar on stderr, before the frame is up
                with progress_on_stderr(enabled=progress) as on_progress:
                    report, recent, start, warnings = read_tick(selection, utc, on_progress)
            else:
                report, recent, start, warnings = read_tick(selection, utc)
            if live is None and sys.stdout.isatty():
                from rich.console import Console
                from rich.live import Live

                live = Live(console=Console(highlight=False), auto_refresh=False)
                live.start()
            echo_warnings([w for w in dict.fromkeys(warnings) if w not in seen])  # once each
            seen.update(warnings)
            if live is not None:
                from rich.text import Text

                frame = watch_frame(report, recent, interval, zone.clock, start)
                live.update(Text(frame), refresh=True)
            else:
                sys.stdout.write(watch_line(report, recent, zone.clock) + "\n")
                sys.stdout.flush()
            tick += 1
            if count is None or tick < count:
                time.sleep(max(0.0, interval - (time.monotonic() - began)))
    finally:
        if live is not None:
            live.stop()
