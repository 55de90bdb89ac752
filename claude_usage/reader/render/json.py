"""The JSON report (SPEC §7): upstream's keys in upstream's order, ours under new keys.

A script written for upstream's `mngr usage --format json` reads this unchanged. The
shape is built here and only here, and it is the same when there is no data.
"""

from __future__ import annotations

from typing import Any

import orjson

from claude_usage.reader.report import (
    API_KEY,
    SUBSCRIPTION,
    Report,
    SessionRecord,
    SourceReport,
    mode_totals,
)
from claude_usage.reader.rollup import Rollup, RollupRow
from claude_usage.reader.windows import window_fields
from claude_usage.shim.events import COST_FIELDS

_NULL_TOKENS = {"input": None, "output": None, "cache_read": None, "cache_creation": None}
# A source's own keys: a window (named by Claude Code) may not overwrite one of them.
_SOURCE_KEYS = frozenset(
    [
        "source",
        "updated_at",
        "is_stale",
        "since_seconds",
        "session_count",
        "subscription_session_count",
        "api_session_count",
        "subscription_cost",
        "subscription_tokens",
        "api_cost",
        "api_tokens",
        "sessions",
        "accounts",
    ]
)


def _number(name: str, value: float | None) -> float | int | None:
    # Durations and line counts are integers upstream; dollars stay floats.
    if value is None or name == "total_cost_usd":
        return value
    return int(value) if value.is_integer() else value


def cost_fields(values: tuple[float | None, ...]) -> dict[str, Any]:
    """The five cost fields of a session or a total."""
    return {name: _number(name, v) for name, v in zip(COST_FIELDS, values, strict=True)}


def session_dict(record: SessionRecord, now: int) -> dict[str, Any]:
    """One entry of `sessions[]`."""
    return {
        "session_id": record.session_id,
        "cost": cost_fields(record.cost),
        "cost_mode": record.mode,
        "cost_provenance": "REPORTED",
        "model": record.model,
        "tokens": None,
        "first_event_at": int(record.first_at),
        "last_event_at": int(record.last_at),
        "age_seconds": max(0, now - int(record.last_at)),
        # ours
        "agent": record.agent_name,
        "agent_id": record.agent_id,
        "host": record.host,
        "process": record.process,
        "cost_mode_evidence": record.mode_evidence,
        "account": record.account,
    }


def source_dict(source: SourceReport, report: Report, detail: bool) -> dict[str, Any]:
    """One entry of `sources[]`."""
    subscription = source.sessions_of(SUBSCRIPTION)
    api = source.sessions_of(API_KEY)
    out: dict[str, Any] = {
        "source": source.source,
        "updated_at": source.updated_at,
        "is_stale": source.is_stale,
        "since_seconds": report.since_seconds,
        "session_count": len(source.sessions),
        "subscription_session_count": len(subscription),
        "api_session_count": len(api),
        "subscription_cost": {**cost_fields(mode_totals(subscription)), "is_estimated": False},
        "subscription_tokens": dict(_NULL_TOKENS),
        "api_cost": {**cost_fields(mode_totals(api)), "is_estimated": False},
        "api_tokens": dict(_NULL_TOKENS),
    }
    if detail:
        out["sessions"] = [session_dict(r, report.now) for r in source.sessions]
    for name, pool in source.windows.items():
        if name not in _SOURCE_KEYS:  # such a window is still under accounts[]
            out[name] = window_fields(pool, report.now)
    out["accounts"] = [
        {
            "account": account.account,
            "updated_at": int(account.updated_at),
            "windows": {name: window_fields(p, report.now) for name, p in account.windows.items()},
        }
        for account in source.accounts
    ]
    return out


def rollup_row_dict(row: RollupRow, levels: int) -> dict[str, Any]:
    """One row of `rollup.rows[]` (its own level's key first), or `rollup.total`."""
    out: dict[str, Any] = {} if row.level == "total" else {row.level: row.value, **row.extra}
    seen = row.session_count > 0
    out.update(
        {
            "session_count": row.session_count,
            "subscription_session_count": row.subscription_sessions,
            "api_session_count": row.api_sessions,
            "subscription_cost": cost_fields(row.subscription),
            "api_cost": cost_fields(row.api),
            "first_event_at": row.first_at if seen else None,
            "last_event_at": row.last_at if seen else None,
        }
    )
    if levels > 1:
        out["rows"] = [rollup_row_dict(child, levels - 1) for child in row.rows]
    return out


def rollup_dict(rollup: Rollup) -> dict[str, Any]:
    """The report's `rollup` key: `{by, time_zone, rows, total}`."""
    return {
        "by": list(rollup.by),
        "time_zone": rollup.time_zone,
        "rows": [rollup_row_dict(row, len(rollup.by)) for row in rollup.rows],
        "total": rollup_row_dict(rollup.total, 1),
    }


def report_dict(
    report: Report, detail: bool = False, rollup: Rollup | None = None
) -> dict[str, Any]:
    """The whole report as upstream's shape: `{now, since_seconds, sources}` (+ `rollup`)."""
    out = {
        "now": report.now,
        "since_seconds": report.since_seconds,
        "sources": [source_dict(s, report, detail) for s in report.sources],
    }
    if rollup is not None:
        out["rollup"] = rollup_dict(rollup)
    return out


def render_json(report: Report, detail: bool = False, rollup: Rollup | None = None) -> bytes:
    """One line of JSON and a newline."""
    return dumps_report(report_dict(report, detail, rollup))


def dumps_report(out: dict[str, Any]) -> bytes:
    """A `report_dict` object as one line of JSON and a newline."""
    try:
        return orjson.dumps(out) + b"\n"
    except TypeError:  # an integer beyond 64 bits, which orjson refuses: as a float
        return orjson.dumps(_wide_ints_as_floats(out)) + b"\n"


def _wide_ints_as_floats(value: Any) -> Any:
    if type(value) is int and not -(2**63) <= value < 2**64:
        return float(value)
    if type(value) is dict:
        return {k: _wide_ints_as_floats(v) for k, v in value.items()}
    if type(value) is list:
        return [_wide_ints_as_floats(v) for v in value]
    return value
