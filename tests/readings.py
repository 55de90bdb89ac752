"""Feed a process tally from compact readings, for the counter-rule tests."""

from __future__ import annotations

from claude_usage.reader.sessions import ProcessTally


def feed(readings: list[tuple], key: str = "p") -> ProcessTally:
    """readings: (at, session_id, cost tuple or None[, has_rate_limits])."""
    tally = ProcessTally(key)
    names = (
        "total_cost_usd",
        "total_duration_ms",
        "total_api_duration_ms",
        "total_lines_added",
        "total_lines_removed",
    )
    for reading in readings:
        at, sid, cost = reading[:3]
        has_rl = reading[3] if len(reading) > 3 else False
        cost_obj = (
            None
            if cost is None
            else dict(zip(names, cost + (None,) * (5 - len(cost)), strict=True))
        )
        tally.add(at, sid, cost_obj, has_rl, {"env": []}, None, None)
    return tally


def totals(tally: ProcessTally, field: int = 0) -> dict[str, float | None]:
    return {sid: costs[field] for sid, costs in tally.session_costs().items()}
