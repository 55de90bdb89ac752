"""How a window's use moved over time, from its pool's steps (SPEC §7 windows). Pure.

The use at time t is that of the reading that counts among those made by t (the pool's
rule: the latest `resets_at`, then the highest `used_percentage`), and 0 once that
reading's window has reset. So the series only goes up within a window and drops when a
window resets: at its `resets_at`, or when a newer window's first reading comes in. The
steps of pools merged from many files give the same series in any order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

from claude_usage.reader.render.printable import printable
from claude_usage.reader.render.text import account_label
from claude_usage.reader.report import Report
from claude_usage.reader.windows import WindowPool
from claude_usage.shim.events import WINDOW_LABELS

KNOWN_WINDOWS = tuple(WINDOW_LABELS)  # five_hour, seven_day: charted first, in this order
_AT = itemgetter(0)
_NO_USE = float("-inf")  # a reading without a used_percentage: below any number, as the pool has it


@dataclass(frozen=True)
class Point:
    """From `at` on (until the next point), the window's use was `used`.

    `used` is None before the first reading and for a reading without a percentage;
    `resets_at` is the counting reading's; `is_reset` marks the drop to 0 at a reset.
    """

    at: int
    used: float | None
    resets_at: float | None
    is_reset: bool = False


@dataclass(frozen=True)
class Series:
    """One window of one account over [start, end]: its points, the first at `start`."""

    source: str
    account: str | None
    key: str
    label: str
    start: int
    end: int
    points: list[Point]

    @property
    def current(self) -> float | None:
        """The use at `end`."""
        return self.points[-1].used

    @property
    def peak(self) -> float | None:
        """The highest use within the range."""
        values = [p.used for p in self.points if p.used is not None]
        return max(values) if values else None


def series_title(series: Series) -> str:
    """`5h (account 5eed0a11ce01)`, printable."""
    return printable(f"{series.label} ({account_label(series.account)})")


def format_percent(used: float | None) -> str:
    """`23%`, or `no data`."""
    return "no data" if used is None else f"{used:.0f}%"


def headline(series: Series) -> str:
    """`5h (account 5eed0a11ce01): 23% now, peak 87%`, printable."""
    line = f"{series_title(series)}: {format_percent(series.current)} now"
    return line if series.peak is None else f"{line}, peak {format_percent(series.peak)}"


def normalise_steps(steps: Sequence[float]) -> list[tuple[int, float | None, float | None]]:
    """The steps that change the reading that counts, in time order: each starts a newer
    window or raises the current one's use; at one time only the best reading counts.

    `steps` is a pool's flat array (at, resets_at, used, ...; nulls ranked, see
    windows.py); the steps come back as (at, resets_at, used) with the nulls."""
    # Merged pools hold every file's steps (hundreds of thousands on a busy host): sorted
    # by time alone, in C, ranked as stored.
    flat = iter(steps)
    kept: list[tuple[float, float, float]] = []
    best_resets = best_used = _NO_USE
    last_at = None
    for step in sorted(zip(flat, flat, flat, strict=True), key=_AT):
        at, resets_at, used = step
        if resets_at < best_resets or (resets_at == best_resets and used <= best_used):
            continue
        best_resets, best_used = resets_at, used
        if at == last_at:
            kept[-1] = step  # a better reading made at the same second
        else:
            kept.append(step)
            last_at = at
    return [(int(at), None if r == -1 else r, None if u == _NO_USE else u) for at, r, u in kept]


def _timeline(steps: list[tuple[int, float | None, float | None]]) -> list[Point]:
    """The whole step function: a point at each counting reading and at each reset."""
    points: list[Point] = []
    for i, (at, resets_at, used) in enumerate(steps):
        next_at = steps[i + 1][0] if i + 1 < len(steps) else None
        if resets_at is not None and resets_at <= at:
            points.append(Point(int(at), 0, resets_at, is_reset=True))  # read after its reset
            continue
        points.append(Point(int(at), used, resets_at))
        if resets_at is not None and (next_at is None or resets_at < next_at):
            points.append(Point(int(resets_at), 0, resets_at, is_reset=True))
    return points


def clip(points: list[Point], start: int, end: int) -> list[Point]:
    """The points within [start, end], the one before `start` carried in to it, and
    consecutive equal uses of one window merged."""
    carried = Point(start, None, None)
    inside: list[Point] = []
    for point in points:
        if point.at <= start:
            carried = Point(start, point.used, point.resets_at, point.is_reset)
        elif point.at <= end:
            inside.append(point)
    out = [carried]
    for point in inside:
        last = out[-1]
        if point.used == last.used and point.resets_at == last.resets_at:
            continue
        out.append(point)
    return out


def window_series(
    pool: WindowPool, start: int, end: int, source: str = "", account: str | None = None
) -> Series:
    """The series of one (merged) pool over [start, end]."""
    points = clip(_timeline(normalise_steps(pool.steps)), start, end)
    return Series(source, account, pool.key, pool.label or pool.key, start, end, points)


def _window_order(key: str) -> tuple[int, str]:
    return (KNOWN_WINDOWS.index(key) if key in KNOWN_WINDOWS else len(KNOWN_WINDOWS), key)


def report_series(
    report: Report, range_seconds: int, keys: list[str] | None = None
) -> list[Series]:
    """Every account's window series over the last `range_seconds` before the report's
    `now`: per source and account as the report orders them, 5h before 7d before the
    rest. `keys`: only these windows (by key or label)."""
    start = report.now - range_seconds
    out = []
    for source in report.sources:
        for account in source.accounts:
            for key in sorted(account.windows, key=_window_order):
                pool = account.windows[key]
                if keys and key not in keys and (pool.label or key) not in keys:
                    continue
                if pool.steps:
                    series = window_series(pool, start, report.now, source.source, account.account)
                    out.append(series)
    return out


__all__ = [
    "KNOWN_WINDOWS",
    "Point",
    "Series",
    "clip",
    "format_percent",
    "headline",
    "normalise_steps",
    "report_series",
    "series_title",
    "window_series",
]
