"""The human report (SPEC §7): upstream's line shapes, plus pace and per-account windows.

```
[claude]
subscription cost (imputed): $1.23 across 2 sessions in last 1d
api cost: $2.50 (10m ago)
5h: 44% used, resets in 3h 20m — at this pace full in 1h 10m
7d: 13% used, resets in 4d 15h
```
"""

from __future__ import annotations

from claude_usage.reader.durations import format_age, format_duration
from claude_usage.reader.render.printable import printable
from claude_usage.reader.report import API_KEY, SUBSCRIPTION, Report, SourceReport, mode_totals
from claude_usage.reader.windows import WindowPool, pace

_MODE_LINES = ((SUBSCRIPTION, "subscription cost (imputed)", "sub"), (API_KEY, "api cost", "api"))


def format_usd(value: float) -> str:
    """Dollars with two decimals (Python's rounding of the binary value, as upstream)."""
    return f"${value:.2f}"


def account_label(account: str | None) -> str:
    """`account 5eed0a11ce01`, or `account unknown` for events that recorded none."""
    return f"account {account}" if account else "account unknown"


def _reset_phrase(resets_at: float | None, now: int) -> str:
    if resets_at is None:
        return "reset time unknown"
    delta = int(resets_at) - now
    if delta > 0:
        return f"resets in {format_duration(delta)}"
    return "just reset" if delta == 0 else f"reset {format_duration(-delta)} ago"


def window_line(name: str, pool: WindowPool, now: int, suffix: str = "") -> str | None:
    """`5h: 44% used, resets in 3h 20m` (+ pace); None when the window has no data at all."""
    if pool.used is None and pool.resets_at is None:
        return None
    label = printable((pool.label or name) + suffix)
    if pool.used is None:
        return f"{label}: no data"
    line = f"{label}: {pool.used:.0f}% used, {_reset_phrase(pool.resets_at, now)}"
    _, full_at = pace(pool)
    if full_at is not None and full_at > now and (pool.resets_at is None or pool.resets_at > now):
        line += f" \u2014 at this pace full in {format_duration(full_at - now)}"
    return line


def _source_lines(source: SourceReport, report: Report, detail: bool) -> list[str]:
    lines = []
    for mode, title, _ in _MODE_LINES:
        sessions = source.sessions_of(mode)
        total = mode_totals(sessions)[0]
        if not sessions or total is None:
            continue
        if len(sessions) == 1:
            age = format_age(report.now - int(sessions[0].last_at))
            lines.append(f"{title}: {format_usd(total)} ({age})")
        else:
            lines.append(
                f"{title}: {format_usd(total)} across {len(sessions)} sessions "
                f"in last {format_duration(report.since_seconds)}"
            )
    if detail and len(source.sessions) > 1:
        tags = {mode: tag for mode, _, tag in _MODE_LINES}
        for record in source.sessions:
            if record.cost[0] is None:
                continue
            age = format_age(report.now - int(record.last_at))
            usd = format_usd(record.cost[0])
            sid = printable(record.session_id[:8])
            lines.append(f"  [{tags[record.mode]}] {sid}: {usd} ({age})")
    accounts = [a for a in source.accounts if a.windows]
    if len(accounts) > 1:
        for account in accounts:
            suffix = f" ({account_label(account.account)})"
            for name, pool in account.windows.items():
                line = window_line(name, pool, report.now, suffix)
                if line:
                    lines.append(line)
    else:
        for name, pool in source.windows.items():
            line = window_line(name, pool, report.now)
            if line:
                lines.append(line)
    return lines


def age_warning(source: SourceReport, now: int) -> str:
    """`[claude] snapshot last updated 10m ago`, for a source older than --stale-after."""
    age = format_duration(now - source.updated_at)
    return f"[{printable(source.source)}] snapshot last updated {age} ago"


def render_text(report: Report, detail: bool = False) -> tuple[str, list[str]]:
    """(stdout, warnings for stderr)."""
    sections, warnings = [], []
    for source in report.sources:
        lines = _source_lines(source, report, detail)
        sections.append("\n".join([f"[{printable(source.source)}]", *lines]))
        if not lines:
            continue
        if source.is_age_stale:
            warnings.append(age_warning(source, report.now))
        if source.has_past_reset:
            warnings.append(
                f"[{printable(source.source)}] a window already reset; "
                "the cached percentage is from the previous window"
            )
    text = "\n\n".join(sections)
    return (text + "\n" if text else ""), warnings


def rendered_anything(report: Report, detail: bool = False) -> bool:
    """Whether the human report has a cost or window line (else the no-data hint is due)."""
    return any(_source_lines(s, report, detail) for s in report.sources)
