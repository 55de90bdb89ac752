"""Bytes of an events file -> decoded events, and the rules for their fields (SPEC §7). Pure.

Lines are split on `\\n` only: Python's `splitlines` also splits on U+2028 and other
separators, which may stand raw inside a JSON string (upstream's jq writer emits them),
and would cut such an event in two. Unknown keys are ignored everywhere; numbers may be
ints, floats or numeric strings; a line that is not an event is counted, not fatal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import orjson

from claude_usage.shim.events import AUTH_ENV_NAMES

_HOURS: dict[str, int] = {}  # "YYYY-MM-DDTHH" -> Unix seconds, UTC (-1: not a time)
MINUTE_SECOND = {f"{m:02d}:{s:02d}": m * 60 + s for m in range(60) for s in range(60)}
_AUTH_NAMES = frozenset(AUTH_ENV_NAMES)
INF = float("inf")


@dataclass
class ParseStats:
    """Counts of what was skipped, for one summary warning per file."""

    malformed: int = 0  # not JSON, or not an object
    no_session: int = 0  # no non-empty string session_id
    no_timestamp: int = 0  # missing or unparseable timestamp


def parse_timestamp(value: object) -> int | None:
    """Unix seconds (whole: sub-second order is file order) from an RFC 3339 / ISO 8601
    string; naive times are local, as upstream reads them."""
    if type(value) is not str:
        return None
    # Fast path, for the writers' own `YYYY-MM-DDTHH:MM:SS.fffffffffZ`: two dict lookups,
    # the hour cached, minutes and seconds from a table (int() of slices costs more).
    # segments.py reads the same layout from bytes with the same two tables.
    if len(value) == 30 and value[29] == "Z" and value[19] == ".":
        hour = _HOURS.get(value[:13])
        if hour is None:
            hour = hour_start(value[:13])
        within = MINUTE_SECOND.get(value[14:19])
        if hour >= 0 and within is not None and value[13] == ":":
            return hour + within
    try:
        return int(datetime.fromisoformat(value).timestamp())
    except (ValueError, OverflowError, OSError):
        return None


def hour_start(hour: str) -> int:
    """Unix seconds of a UTC `YYYY-MM-DDTHH`, cached; -1 if it is not an hour."""
    start = _HOURS.get(hour)
    if start is None:
        try:
            start = int(datetime.fromisoformat(hour + ":00+00:00").timestamp())
        except ValueError:
            start = -1
        _HOURS[hour] = start
    return start


def as_number(value: object) -> float | int | None:
    """A finite, non-negative number from an int, float or numeric string; else None.

    Booleans count as 0 and 1, as upstream's reader takes them.
    """
    kind = type(value)
    if kind is float or kind is int or kind is bool:
        return value if 0 <= value < INF else None  # type: ignore[operator, return-value]
    if kind is str:
        try:
            number = float(value)  # type: ignore[arg-type]
        except ValueError:
            return None
        return number if 0 <= number < INF else None
    return None


def names_auth_evidence(auth: object) -> bool:
    """Whether an event's `auth` names an API key, cloud provider or gateway variable."""
    if type(auth) is not dict:
        return False
    names = auth.get("env")
    return type(names) is list and any(n in _AUTH_NAMES for n in names if type(n) is str)


def names_windows(rate_limits: object) -> bool:
    """Whether an event's rate_limits hold a window (an object): what marks a subscription.

    Claude Code sends rate_limits only with a window in it (CLAUDE_STATUSLINE.md §3.7);
    `{}` or `{"five_hour": 5}` say nothing of the plan, as upstream reads them."""
    return type(rate_limits) is dict and any(type(w) is dict for w in rate_limits.values())


def text_or_none(value: object) -> str | None:
    """A non-empty string, else None."""
    return value if type(value) is str and value else None


def decode(line: bytes) -> object:
    """The JSON value of one line, or None if it is not JSON."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        # orjson refuses NaN and numbers beyond a double; the standard parser does not.
        try:
            return json.loads(line)
        except (ValueError, RecursionError):
            return None


def iter_lines(data: bytes) -> Iterator[object]:
    """Each non-blank line of `data`, decoded (None where it is not JSON)."""
    loads = orjson.loads
    for line in data.split(b"\n"):
        if not line or line.isspace():
            continue
        try:
            yield loads(line)
        except orjson.JSONDecodeError:
            yield decode(line)


__all__ = [
    "INF",
    "MINUTE_SECOND",
    "ParseStats",
    "as_number",
    "decode",
    "hour_start",
    "iter_lines",
    "names_auth_evidence",
    "names_windows",
    "parse_timestamp",
    "text_or_none",
]
