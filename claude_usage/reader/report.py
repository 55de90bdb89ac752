"""Tallies of many files -> the report: sessions, totals per auth mode, windows (SPEC §7). Pure.

Sources are the `events/<source>/usage` names; within one, sessions come from every agent,
and window pools merge across agents per (account, window). `--since` keeps sessions whose
last event is within it (inclusive) and never filters windows. A source is stale when its
newest event is older than `stale_after` or one of its windows has already reset.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from claude_usage.reader.aggregate import FileTally
from claude_usage.reader.discover import EventsFile
from claude_usage.reader.sessions import API_KEY, SUBSCRIPTION
from claude_usage.reader.windows import WindowPool


@dataclass(frozen=True)
class SessionRecord:
    """One session's share of one process: its credited counters and where it ran."""

    session_id: str
    cost: tuple[float | None, ...]
    mode: str
    mode_evidence: str
    first_at: float
    last_at: float
    agent_id: str
    agent_name: str
    host: str
    process: str
    model: str | None
    account: str | None
    # [first_at, last_at, the five counters] per quarter hour it had readings in
    buckets: Iterable[list[Any]] = field(default_factory=list, compare=False, repr=False)


@dataclass(frozen=True)
class AccountWindows:
    """The windows of one account (None: events that recorded no account)."""

    account: str | None
    updated_at: float
    windows: dict[str, WindowPool]


@dataclass(frozen=True)
class SourceReport:
    """Everything the report says about one source."""

    source: str
    updated_at: int
    sessions: list[SessionRecord]  # kept by --since, newest first
    windows: dict[str, WindowPool]  # the freshest account's
    accounts: list[AccountWindows]  # every account's, freshest first
    is_age_stale: bool
    has_past_reset: bool

    @property
    def is_stale(self) -> bool:
        return self.is_age_stale or self.has_past_reset

    def sessions_of(self, mode: str) -> list[SessionRecord]:
        return [s for s in self.sessions if s.mode == mode]


@dataclass(frozen=True)
class Report:
    """The whole report, at `now`."""

    now: int
    since_seconds: int
    stale_after_seconds: int
    sources: list[SourceReport]
    warnings: list[str] = field(default_factory=list)

    def kept_sessions(self) -> list[SessionRecord]:
        """Every source's sessions kept by --since: what a rollup rolls up."""
        return [record for source in self.sources for record in source.sessions]


def mode_totals(sessions: list[SessionRecord]) -> tuple[float | None, ...]:
    """Field-wise sums, in the order given; a field is None only if every session's is.

    With the builtin sum(), as upstream: since 3.12 it compensates float rounding, so nine
    sessions of 0.1 total 0.9, not 0.8999999999999999."""
    totals: list[float | None] = []
    for i in range(5):
        values = [r.cost[i] for r in sessions if r.cost[i] is not None]
        totals.append(sum(values) if values else None)
    return tuple(totals)


def _records(events_file: EventsFile, tally: FileTally) -> list[SessionRecord]:
    records = []
    for process in tally.processes.values():
        costs, buckets = process.session_costs(), process.session_buckets()
        for sid, session in process.sessions.items():
            records.append(
                SessionRecord(
                    sid,
                    costs[sid],
                    process.mode,
                    process.mode_evidence,
                    session.first_at,
                    session.last_at,
                    events_file.agent_id,
                    events_file.agent_name,
                    events_file.host,
                    process.key,
                    session.model,
                    session.account,
                    buckets[sid],
                )
            )
    return records


def _merge_pools(tallies: list[FileTally]) -> list[AccountWindows]:
    merged: dict[str | None, dict[str, WindowPool]] = {}
    for tally in tallies:
        for account, file_pools in tally.pools.items():
            pools = merged.setdefault(account, {})
            for name, pool in file_pools.items():
                if name in pools:
                    pools[name].merge(pool)
                else:
                    pools[name] = WindowPool.from_state(pool.to_state())
    accounts = [
        AccountWindows(account, max(p.updated_at for p in pools.values()), pools)
        for account, pools in merged.items()
    ]
    return sorted(accounts, key=lambda a: a.updated_at, reverse=True)


def build_report(
    tallies: list[tuple[EventsFile, FileTally]],
    now: int,
    since_seconds: int,
    stale_after_seconds: int,
) -> Report:
    """The report over every file's tally, as of `now`."""
    by_source: dict[str, list[tuple[EventsFile, FileTally]]] = {}
    for events_file, tally in tallies:
        by_source.setdefault(events_file.source, []).append((events_file, tally))
    sources = []
    for source, members in by_source.items():
        times = [t.updated_at for _, t in members if t.updated_at is not None]
        if not times:
            continue
        updated_at = int(max(times))
        records = [r for f, t in members for r in _records(f, t)]
        kept = [r for r in records if int(r.last_at) >= now - since_seconds]
        kept.sort(key=lambda r: r.last_at, reverse=True)
        accounts = _merge_pools([t for _, t in members])
        if not kept and not accounts:
            continue
        windows = accounts[0].windows if accounts else {}
        past_reset = any(
            p.resets_at is not None and p.resets_at < now
            for a in accounts
            for p in a.windows.values()
        )
        sources.append(
            SourceReport(
                source,
                updated_at,
                kept,
                windows,
                accounts,
                is_age_stale=now - updated_at > stale_after_seconds,
                has_past_reset=past_reset,
            )
        )
    sources.sort(key=lambda s: (s.updated_at, s.source), reverse=True)
    return Report(now, since_seconds, stale_after_seconds, sources)


__all__ = [
    "API_KEY",
    "SUBSCRIPTION",
    "AccountWindows",
    "Report",
    "SessionRecord",
    "SourceReport",
    "build_report",
    "mode_totals",
]
