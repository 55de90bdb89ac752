"""`wait`: block until a CEL condition over the report holds (exit 0), or time out (exit 2)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from claude_usage.cli.options import (
    Agents,
    EventsPaths,
    HostDirs,
    Preserved,
    Since,
    StaleAfter,
    UseCache,
    make_selection,
    seconds_option,
)

if TYPE_CHECKING:
    from claude_usage.reader.collect import Selection
    from claude_usage.reader.condition import Condition

Until = Annotated[
    str,
    typer.Option(
        "--until",
        metavar="EXPR",
        help="A CEL condition over the JSON report, e.g. 'five_hour.used_percentage < 50'.",
    ),
]
Timeout = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        parser=seconds_option,
        metavar="DURATION",
        help="Give up after this long (exit 2). Default: wait forever.",
    ),
]
Interval = Annotated[
    float,
    typer.Option(
        "--interval",
        parser=seconds_option,
        metavar="DURATION",
        help="How often to check (0.5s, 2s, 1m).",
    ),
]

MatchedJson = Annotated[
    bool, typer.Option("--json", help="Print the report that matched, as `--json` prints it.")
]


def wait(
    until: Until,
    timeout: Timeout = None,
    interval: Interval = "2s",  # type: ignore[assignment] - parsed into seconds
    json_flag: MatchedJson = False,
    since: Since = "24h",  # type: ignore[assignment]
    stale_after: StaleAfter = "5m",  # type: ignore[assignment]
    host_dir: HostDirs = None,
    events: EventsPaths = None,
    agent: Agents = None,
    preserved: Preserved = True,
    cache: UseCache = True,
) -> None:
    """Wait until a condition over the report holds (exit 0); exit 2 on --timeout, 1 on error."""
    from claude_usage.cli.output import reporting_errors
    from claude_usage.reader.condition import compile_condition

    with reporting_errors():
        condition = compile_condition(until)  # before any waiting: a typo fails at once
    selection = make_selection(host_dir, events, agent, preserved, since, stale_after, cache)
    # Ctrl-C: typer turns KeyboardInterrupt into exit 130 without a traceback (a test pins it).
    run_wait(selection, condition, timeout, interval, json_flag)


def run_wait(
    selection: Selection,
    condition: Condition,
    timeout: float | None,
    interval: float,
    json_flag: bool,
    progress: bool = True,
) -> None:
    """Check the condition every `interval` until it holds, or exit 2 after `timeout`.

    `json_flag`: print the report that matched; `progress`: a bar on a terminal's stderr.
    """
    import time

    from claude_usage.cli.output import echo_warnings, reporting_errors
    from claude_usage.cli.progress import progress_on_stderr
    from claude_usage.cli.report import NO_DATA_HINT
    from claude_usage.reader.collect import collect_report
    from claude_usage.reader.render.json import dumps_report, report_dict
    from claude_usage.reader.waiting import wait_until

    def read_report() -> tuple[dict[str, Any], list[str]]:
        # A bar only while a read is big (the first, usually): later ticks read little.
        with progress_on_stderr(enabled=progress) as on_progress:
            report, warnings = collect_report(selection, on_progress=on_progress)
        return report_dict(report), warnings if report.sources else [*warnings, NO_DATA_HINT]

    with reporting_errors():
        matched = wait_until(
            condition,
            read_report,
            interval=interval,
            timeout=timeout,
            clock=time.monotonic,
            sleep=time.sleep,
            warn=lambda message: echo_warnings([message]),
        )
    if json_flag:
        sys.stdout.buffer.write(dumps_report(matched))
        sys.stdout.flush()
