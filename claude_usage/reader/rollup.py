"""The report's sessions rolled up by agent, host, account, model or day, one or two levels. Pure.

Subscription (imputed) and API (billable) cost stay apart in every row. Without `day`, a
row sums whole sessions, so its totals are the report's. With `day` at either level, a
row sums the sessions' quarter-hour shares (sessions.BUCKET_SECONDS) whose last reading is
within `--since`, each on the day its quarter hour falls in, in the zone `day_of` reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from claude_usage.reader.report import API_KEY, SessionRecord, mode_totals

BY_KEYS = ("agent", "host", "account", "model", "day")
MAX_LEVELS = 2


class RollupError(ValueError):
    """Levels that make no rollup: shown to the user as is."""


@dataclass(frozen=True)
class _Piece:
    """A session, or its share of one quarter hour: what a row adds up."""

    record: SessionRecord
    cost: tuple[float | None, ...]
    first_at: int
    last_at: int


@dataclass(frozen=True)
class RollupRow:
    """One group: its key at its level, its totals, and the next level's rows."""

    level: str
    value: str | None  # what the row is shown as (an agent's name, a day)
    extra: dict[str, str]  # an agent row's agent_id and host
    subscription: tuple[float | None, ...]
    api: tuple[float | None, ...]
    subscription_sessions: int
    api_sessions: int
    first_at: int
    last_at: int
    rows: list[RollupRow] = field(default_factory=list)

    @property
    def session_count(self) -> int:
        return self.subscription_sessions + self.api_sessions


@dataclass(frozen=True)
class Rollup:
    """Rows of the first level (each with its second level's), and the grand total."""

    by: list[str]
    time_zone: str | None  # the zone of `day`, when it is a level
    rows: list[RollupRow]
    total: RollupRow


def check_levels(by: list[str]) -> list[str]:
    """The levels as given, or RollupError: known names, at most two, none twice."""
    unknown = [name for name in by if name not in BY_KEYS]
    if unknown:
        raise RollupError(f"cannot roll up by {unknown[0]!r}: use one of {', '.join(BY_KEYS)}")
    if len(by) > MAX_LEVELS:
        raise RollupError(f"--by takes at most {MAX_LEVELS} levels, not {len(by)}")
    if len(set(by)) != len(by):
        raise RollupError(f"--by {by[0]} is given twice")
    return by


def _pieces(
    records: Iterable[SessionRecord], by_day: bool, since_start: int, shares_from: int | None
) -> list[_Piece]:
    if not by_day and shares_from is None:
        return [_Piece(r, r.cost, int(r.first_at), int(r.last_at)) for r in records]
    out = []
    for record in records:
        if shares_from is not None and record.last_at < shares_from:
            continue  # every share is older (and stays encoded)
        for first_at, last_at, *cost in record.buckets:
            if shares_from is not None and first_at < shares_from:
                continue
            if last_at >= since_start:
                out.append(_Piece(record, tuple(cost), first_at, last_at))
    return out


def _key(level: str, piece: _Piece, day_of: Callable[[int], str]) -> tuple[str | None, ...]:
    record = piece.record
    if level == "agent":
        return (record.agent_name, record.host, record.agent_id)
    if level == "host":
        return (record.host,)
    if level == "account":
        return (record.account,)
    if level == "model":
        return (record.model,)
    return (day_of(piece.first_at),)


def _row(level: str, key: tuple[str | None, ...], pieces: list[_Piece]) -> RollupRow:
    api = [p for p in pieces if p.record.mode == API_KEY]
    subscription = [p for p in pieces if p.record.mode != API_KEY]
    extra = {"agent_id": key[2], "host": key[1]} if level == "agent" else {}
    return RollupRow(
        level,
        key[0],
        extra,  # type: ignore[arg-type]
        mode_totals(subscription),  # type: ignore[arg-type]
        mode_totals(api),  # type: ignore[arg-type]
        len(_sessions(subscription)),
        len(_sessions(api)),
        min(p.first_at for p in pieces),
        max(p.last_at for p in pieces),
    )


def _sessions(pieces: list[_Piece]) -> set[tuple[str, str, str, str]]:
    return {
        (p.record.host, p.record.agent_id, p.record.process, p.record.session_id) for p in pieces
    }


def _sort_key(row: RollupRow) -> tuple[object, ...]:
    if row.level == "day":
        return (0, row.value or "")
    spent = (row.subscription[0] or 0) + (row.api[0] or 0)
    return (-spent, row.value is None, row.value or "")


def _group(
    pieces: list[_Piece], levels: list[str], day_of: Callable[[int], str]
) -> list[RollupRow]:
    if not levels:
        return []
    level, rest = levels[0], levels[1:]
    groups: dict[tuple[str | None, ...], list[_Piece]] = {}
    for piece in pieces:
        groups.setdefault(_key(level, piece, day_of), []).append(piece)
    rows = []
    for key, members in groups.items():
        row = _row(level, key, members)
        row.rows.extend(_group(members, rest, day_of))
        rows.append(row)
    return sorted(rows, key=_sort_key)


def build_rollup(
    records: list[SessionRecord],
    by: list[str],
    day_of: Callable[[int], str],
    since_start: int,
    time_zone: str | None = None,
    shares_from: int | None = None,
) -> Rollup:
    """The rollup of `records` (the report's kept sessions) by the levels `by`; with
    `shares_from`, of only their quarter-hour shares from that moment on."""
    check_levels(by)
    pieces = _pieces(records, "day" in by, since_start, shares_from)
    total = (
        _row("total", (None,), pieces)
        if pieces
        else RollupRow("total", None, {}, (None,) * 5, (None,) * 5, 0, 0, 0, 0)
    )
    return Rollup(by, time_zone if "day" in by else None, _group(pieces, by, day_of), total)
