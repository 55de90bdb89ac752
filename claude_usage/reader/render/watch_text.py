"""What `watch` shows on each tick: a frame for a terminal, one line otherwise. Pure.

```
claude-usage watch · 12-03 11:40:00 · every 2s · Ctrl-C to stop

[claude]
subscription cost (imputed): $1.29 across 8 sessions in last 1d
5h: 23% used, resets in 3h 32m — at this pace full in 1h 10m

top agents since 10:30 (the last hour)    imputed   billable
  docs-sweep                                $0.21          –
```
"""

from __future__ import annotations

from collections.abc import Callable

from claude_usage.reader.durations import format_seconds
from claude_usage.reader.render.printable import printable
from claude_usage.reader.render.text import format_usd, render_text
from claude_usage.reader.report import Report, mode_totals
from claude_usage.reader.rollup import Rollup, RollupRow
from claude_usage.reader.sessions import BUCKET_SECONDS, SUBSCRIPTION

RECENT_SECONDS = 3600
TOP_AGENTS = 5
_NONE = "–"


def recent_start(now: int) -> int:
    """Where "the last hour" starts: the quarter hour at or before an hour ago, so it is
    made of whole quarter-hour shares (sessions.BUCKET_SECONDS)."""
    return (now - RECENT_SECONDS) // BUCKET_SECONDS * BUCKET_SECONDS


def _usd(total: float | None, sessions: int) -> str:
    return format_usd(total) if sessions and total is not None else _NONE


def _top_lines(recent: Rollup, clock_text: Callable[[int], str], start: int) -> list[str]:
    title = f"top agents since {clock_text(start)[-5:]} (the last hour)"
    rows: list[RollupRow] = recent.rows[:TOP_AGENTS]
    names = [printable(r.value or "") for r in rows]
    width = max([len(title), *(len(name) + 2 for name in names)])
    lines = [f"{title:<{width}}  {'imputed':>8}  {'billable':>8}"]
    if not rows:
        lines.append("  (nothing spent)")
    for row, name in zip(rows, names, strict=True):
        sub = _usd(row.subscription[0], row.subscription_sessions)
        api = _usd(row.api[0], row.api_sessions)
        lines.append(f"  {name:<{width - 2}}  {sub:>8}  {api:>8}")
    return lines


def watch_frame(
    report: Report,
    recent: Rollup,
    interval: float,
    clock_text: Callable[[int], str],
    start: int,
) -> str:
    """The frame a terminal shows: the human report, then the top agents of the last hour."""
    header = (
        f"claude-usage watch · {clock_text(report.now)} · "
        f"every {format_seconds(interval)} · Ctrl-C to stop"
    )
    body, _ = render_text(report)
    lines = [header, "", body.rstrip("\n") or "no usage data yet", ""]
    lines += _top_lines(recent, clock_text, start)
    return "\n".join(lines)


def watch_line(report: Report, recent: Rollup, clock_text: Callable[[int], str]) -> str:
    """One tick as one line, for a pipe or a log:

    `12-03 11:40 [claude] sub $1.29 (8) api $0.37 (3) 5h 23% 7d 4% · last hour sub $0.21 api –`
    """
    parts = [clock_text(report.now)]
    for source in report.sources:
        parts.append(f"[{printable(source.source)}]")
        for mode, tag in ((SUBSCRIPTION, "sub"), ("API_KEY", "api")):
            sessions = source.sessions_of(mode)
            total = mode_totals(sessions)[0]
            parts.append(f"{tag} {_usd(total, len(sessions))} ({len(sessions)})")
        for name, pool in source.windows.items():
            if pool.used is not None:
                parts.append(f"{printable(pool.label or name)} {pool.used:.0f}%")
    if not report.sources:
        parts.append("no usage data yet")
    total = recent.total
    parts.append(
        f"· last hour sub {_usd(total.subscription[0], total.subscription_sessions)} "
        f"api {_usd(total.api[0], total.api_sessions)}"
    )
    return " ".join(parts)
