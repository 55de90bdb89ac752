"""Our writer's lines, decoded a segment at a time instead of one by one (SPEC §7, §9). Pure.

Parsing a ~650-byte line whole costs more than the reader's budget of 5 µs per event, and
most of a line repeats the line before. `record.py` writes

    PREFIX + event id (32 hex) + MIDDLE + timestamp (30) + SESSION_KEY + session id
    + '","cost":' + cost + ',"rate_limits":' + rate_limits + REST_KEY + … + "}"

and from one render to the next only the event id, the timestamp and the cost change,
with the rate limits now and then. `scan_segments` cuts each line into its head (up to
the cost), its cost and its tail, mostly with one compare a line; `decode_segment` checks
a segment's pieces all at once and decodes them in a few calls: every cost in one orjson
call, each tail once however many lines repeat it, times and session ids where asked.

A segment is decoded only if parsing its lines whole would give the same fields; else
`decode_segment` returns None and its lines are parsed whole, like any other line:
- every head has the first head's shape, each hex digit masked: the literals in place
  (their own hex letters compared column by column), hex digits in the event id, digits
  in the timestamp. So no quote, backslash or control character can end a string early
  or hide a key there; a session id must also be free of them and be UTF-8;
- each cost starts with "{", ends with "}" and holds no other "}": n such pieces joined
  by commas parse as n values only if each piece is one object;
- a tail parses as an object's members without the keys read before it (a full parse
  keeps the last of a key). Cut into a JSON value after the rate_limits key and members
  after that, it reads as the whole does, wherever the cut;
- the times never go back, each hour named is one, and minutes and seconds are digits
  below 60: each time is then its hour plus its minutes and seconds, as
  parse_timestamp reads it.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections.abc import Iterator
from itertools import compress, count, islice
from operator import itemgetter, le, ne
from typing import Any, NamedTuple

import orjson

from claude_usage.reader.parse import MINUTE_SECOND, hour_start, names_windows
from claude_usage.shim.events import MIDDLE, PREFIX, TIMESTAMP_LEN, TIMESTAMP_OFFSET

SEGMENT_LINES = 1024  # a line that fails the checks sends at most this many to the slow path

_PREFIX = PREFIX.encode()
_MIDDLE = MIDDLE.encode()
_SESSION_KEY = b'","session_id":"'
_COST_KEY = b'","cost":{'  # with the cost's own brace: a head ends with it
_TAIL_KEY = b'},"rate_limits":'  # with the cost's closing brace: a tail starts with it
_REST_KEY = b',"schema":'  # what our writer puts after rate_limits
_SESSION_AT = TIMESTAMP_OFFSET + TIMESTAMP_LEN + len(_SESSION_KEY)
_READ_BEFORE_TAIL = ("session_id", "timestamp", "cost")

# The shape of a head's fixed part: each hex digit masked to "0", every other byte kept.
# A literal's own hex letters (the "e" and "a" of "timestamp") are masked too, so the
# mask cannot see one of them changed to another hex digit: those columns are compared.
_HEX = b"0123456789abcdef"
_HEX_MASK = bytes(48 if byte in _HEX else byte for byte in range(256))
_TEMPLATE = _PREFIX + b"0" * 32 + _MIDDLE + b"0000-00-00T00:00:00.000000000Z" + _SESSION_KEY
_SHAPE = _TEMPLATE.translate(_HEX_MASK)
_EVENT_ID = range(len(_PREFIX), len(_PREFIX) + 32)
_TIMESTAMP = range(TIMESTAMP_OFFSET, TIMESTAMP_OFFSET + TIMESTAMP_LEN)
_LITERAL_HEX = [
    (at, bytes([byte]))
    for at, byte in enumerate(_TEMPLATE)
    if byte in _HEX and at not in _EVENT_ID and at not in _TIMESTAMP
]
_COST_KEY_HEX = [  # counted from the end of a head
    (at - len(_COST_KEY), bytes([byte])) for at, byte in enumerate(_COST_KEY) if byte in _HEX
]
# YYYY-MM-DDTHH:MM:SS: minutes and seconds are read from a table, so must be digits
_HOUR_AT, _MINUTE_AT = TIMESTAMP_OFFSET + 11, TIMESTAMP_OFFSET + 14
_DIGITS = [_MINUTE_AT, _MINUTE_AT + 1, _MINUTE_AT + 3, _MINUTE_AT + 4]
_TENS = [_MINUTE_AT, _MINUTE_AT + 3]  # 0-5

_SESSION = itemgetter(slice(_SESSION_AT, -len(_COST_KEY)))
_SECOND = itemgetter(slice(TIMESTAMP_OFFSET, TIMESTAMP_OFFSET + 19))
_MINUTE_SECOND = {text.encode(): seconds for text, seconds in MINUTE_SECOND.items()}
_HOURS: dict[bytes, int] = {}  # "YYYY-MM-DDTHH" -> Unix seconds (-1: not an hour)
_MINUTES: dict[int, bytes] = {}  # a whole minute's Unix seconds -> its head text
_SESSION_IDS: dict[bytes, str | None] = {}
_CACHE_LIMIT = 4096


class Segment(NamedTuple):
    """Consecutive lines cut the way our writer joins them."""

    start: int  # offset of its first line
    end: int  # offset after its last line
    width: int  # of each line's head: PREFIX … SESSION_KEY, session id, COST_KEY
    lines: list[bytes]  # each line's head and cost (the cost's "{" ends the head)
    tails: list[tuple[int, bytes]]  # (first line, TAIL_KEY … "\n") wherever it changes


class Tail(NamedTuple):
    """What a tail says, and its bytes from REST_KEY on (the rest after rate_limits)."""

    rate_limits: Any
    fields: tuple[Any, Any, Any, Any]  # process, auth, account, model: shared by equal rests
    rest: bytes
    has_windows: bool  # parse.names_windows(rate_limits): a subscription's reading


class Decoded(NamedTuple):
    """A segment's fields, as a full parse of each line would give them."""

    heads: list[bytes]  # checked; their times are read when asked (`time`)
    costs: list[Any]
    sessions: list[tuple[int, str]]  # (first line, session id) wherever it changes
    tails: list[tuple[int, Tail]]  # (first line, what its tail says) wherever it changes
    # Each line's `YYYY-MM-DDTHH:MM:SS` (UTC, fixed width): sorted, and in the order of
    # the times, so a moment's line is found by bisecting them (`first_line_at`).
    seconds: list[bytes]

    def first_line_at(self, moment: int, lo: int, hi: int) -> int:
        """The first line in lo..hi-1 whose time is `moment` (a whole minute) or later."""
        return bisect_left(self.seconds, minute_text(moment), lo, hi)

    def time(self, line: int) -> int:
        """The line's timestamp, in whole Unix seconds (as parse_timestamp reads it)."""
        head = self.heads[line]
        return (
            _hour(head[TIMESTAMP_OFFSET : _HOUR_AT + 2])
            + _MINUTE_SECOND[head[_MINUTE_AT : _MINUTE_AT + 5]]
        )


def scan_segments(data: bytes) -> Iterator[Segment | bytes]:
    """Each line of `data` in order: segments of lines cut like ours, any other line whole."""
    find, startswith = data.find, data.startswith
    size = len(data)
    p = 0
    while p < size:
        start, lines, tails = p, [], []
        add_line = lines.append
        tail, tail_len, width, cost_len, other = b"", 0, 0, 0, None
        for n in range(SEGMENT_LINES):  # the reader's hot loop: kept flat
            # Most lines are laid out like the line before up to the end of the cost,
            # and then repeat its tail: guess so, and check it in one compare.
            close = p + width + cost_len
            if width and startswith(tail, close):
                add_line(data[p : close + 1])
                p = close + tail_len
                if p >= size:
                    break
                continue
            end = find(b"\n", p)
            if end < 0:
                end = size
            cost = find(_COST_KEY, p + _SESSION_AT, end)
            tail_at = find(_TAIL_KEY, cost, end) if cost >= 0 else -1
            if tail_at < 0:
                other = data[p:end]
                break
            cost += len(_COST_KEY)
            if lines and cost - p != width:
                break  # a session id of another length: a segment's heads align
            width, cost_len = cost - p, tail_at - cost
            if not startswith(tail, tail_at) or tail_at + tail_len != end + 1:
                tail = data[tail_at : end + 1]
                tail_len = len(tail)
                tails.append((n, tail))
            add_line(data[p : tail_at + 1])
            p = end + 1
            if p >= size:
                break
        if lines:
            yield Segment(start, min(p, size), width, lines, tails)
        if other is not None:
            yield other
            p += len(other) + 1


def decode_segment(segment: Segment) -> Decoded | None:
    """The segment's fields, or None if any line might parse differently whole."""
    width = segment.width
    heads = list(map(itemgetter(slice(0, width)), segment.lines))
    seconds = _sound_seconds(heads)
    if seconds is None:
        return None
    costs = _costs(list(map(itemgetter(slice(width - 1, None)), segment.lines)))
    sessions = _sessions(heads)
    if costs is None or sessions is None:
        return None
    tails: list[tuple[int, Tail]] = []
    for start, raw in segment.tails:
        fields = tail_fields(raw, tails[-1][1] if tails else None)
        if fields is None:
            return None
        tails.append((start, fields))
    return Decoded(heads, costs, sessions, tails, seconds)


def _sound_seconds(heads: list[bytes]) -> list[bytes] | None:
    """Each head's `YYYY-MM-DDTHH:MM:SS` if the heads pass every check, else None."""
    n, width = len(heads), len(heads[0])
    joined = b"".join(heads)  # the heads have one width, so they stand in columns
    shape = heads[0].translate(_HEX_MASK)
    if not (
        shape.startswith(_SHAPE)
        and heads[0].endswith(_COST_KEY)
        and joined.translate(_HEX_MASK) == shape * n
        and all(joined[at::width] == byte * n for at, byte in _LITERAL_HEX)
        and all(joined[width + at :: width] == byte * n for at, byte in _COST_KEY_HEX)
        and all(joined[at::width].isdigit() for at in _DIGITS)
        and all(max(joined[at::width]) <= 53 for at in _TENS)  # "5"
    ):
        return None
    seconds = list(map(_SECOND, heads))
    if not all(map(le, seconds, islice(seconds, 1, None))):
        return None  # back in time: the full parse raises OutOfOrder where it must
    # Each hour the lines name must be one; sorted, they are found by stepping from one
    # hour to the next (";" sorts right after the ":" that follows every hour).
    i = 0
    while i < n:
        hour = seconds[i][:13]
        if _hour(hour) < 0:
            return None
        i = bisect_left(seconds, hour + b";", i)
    return seconds


def minute_text(moment: int) -> bytes:
    """`YYYY-MM-DDTHH:MM:00` of a whole minute, as a head writes it (cached: every file
    crosses the same quarter hours)."""
    text = _MINUTES.get(moment)
    if text is None:
        if len(_MINUTES) > _CACHE_LIMIT:
            _MINUTES.clear()
        text = _MINUTES[moment] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(moment)).encode()
    return text


def _hour(text: bytes) -> int:
    hour = _HOURS.get(text)
    if hour is None:
        if len(_HOURS) > _CACHE_LIMIT:
            _HOURS.clear()
        hour = _HOURS[text] = hour_start(text.decode())
    return hour


def _costs(raw: list[bytes]) -> list[Any] | None:
    # Each piece starts with "{" (the heads end with it) and ends with "}" (the tails
    # start with it); none may hold another "}".
    n = len(raw)
    joined = b",".join(raw)
    if joined.count(b"}") != n or b"\n" in joined:  # "\n": a guess ran over a torn line
        return None
    try:
        costs = orjson.loads(b"[" + joined + b"]")
    except orjson.JSONDecodeError:
        return None
    return costs if len(costs) == n else None


def _sessions(heads: list[bytes]) -> list[tuple[int, str]] | None:
    raw = list(map(_SESSION, heads))
    out = []
    for line in (0, *compress(count(1), map(ne, islice(raw, 1, None), raw))):
        session_id = _SESSION_IDS.get(raw[line])
        if session_id is None:
            if len(_SESSION_IDS) > _CACHE_LIMIT:
                _SESSION_IDS.clear()
            session_id = _SESSION_IDS[raw[line]] = session_id_of(raw[line])
            if session_id is None:
                return None
        out.append((line, session_id))
    return out


def session_id_of(raw: bytes) -> str | None:
    """The session id a full parse reads from these bytes, if it reads them as they are."""
    try:
        text = raw.decode()
    except UnicodeDecodeError:
        return None
    plain = text and '"' not in text and "\\" not in text and min(text) >= " "
    return text if plain else None


def tail_fields(raw: bytes, before: Tail | None = None) -> Tail | None:
    """What a tail (TAIL_KEY … "}") says after the cost's "}", as a full parse reads it.

    Cut where our writer's rest begins: mostly only the rate limits differ from the
    tail `before`, and then only they are parsed.
    """
    cut = raw.rfind(_REST_KEY)
    rest = raw[cut:] if cut > 0 else b""
    try:
        rate_limits, has = _rate_limits(raw[len(_TAIL_KEY) : cut]) if rest else _NO_RATE_LIMITS
        if before is not None and rest and rest == before.rest:
            return Tail(rate_limits, before.fields, before.rest, has)
    except orjson.JSONDecodeError:
        rest = b""  # not cut where our writer joins: read whole
    try:
        members = orjson.loads(b"{" + (rest[1:] if rest else raw[2:]))
    except orjson.JSONDecodeError:
        return None
    if type(members) is not dict or not members.keys().isdisjoint(_READ_BEFORE_TAIL):
        return None
    if not rest or "rate_limits" in members:  # (a full parse keeps the last of a key)
        rate_limits, rest = members.get("rate_limits"), b""
    get = members.get
    fields = (get("process"), get("auth"), get("account"), get("model"))
    return Tail(rate_limits, fields, rest, names_windows(rate_limits))


_RATE_LIMITS: dict[bytes, tuple[Any, bool]] = {}
_NO_RATE_LIMITS = (None, False)


def _rate_limits(raw: bytes) -> tuple[Any, bool]:
    # Every agent of one account reads the same windows at the same time, so the same
    # rate_limits come back across runs and files: parsed (and named) once, never changed.
    known = _RATE_LIMITS.get(raw)
    if known is None:
        if len(_RATE_LIMITS) > _CACHE_LIMIT:
            _RATE_LIMITS.clear()
        rate_limits = orjson.loads(raw)
        known = _RATE_LIMITS[raw] = (rate_limits, names_windows(rate_limits))
    return known


__all__ = ["SEGMENT_LINES", "Decoded", "Segment", "Tail", "decode_segment", "scan_segments"]
