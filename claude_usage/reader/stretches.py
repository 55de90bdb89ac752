"""A decoded segment into a FileTally in stretches instead of line by line (SPEC §7, §9). Pure.

The result is what `FileTally.add` makes of each line in turn, in fewer steps. A line's
reading goes to its process (costs) and to the window pools, parts of the tally that
share nothing, so each side takes the segment in its own stretches:
- costs: while a process's session goes on and every counter is a number that has not
  gone down, `ProcessTally.add` keeps only the latest reading; such a stretch is taken as
  its first line and its last reading (`ProcessTally.take_steady`);
  A steady stretch that crosses a quarter hour (sessions.BUCKET_SECONDS) is taken in
  pieces, one per bucket, whose first lines open the bucket shares;
- windows: a line that repeats the line before's rate_limits is only seen again, which
  the latest of such lines, after the first, stands for: an earlier time moves nothing
  the first has not.
A decoded segment's times never go back (segments.py), so its last line is its latest.
"""

from __future__ import annotations

from itertools import islice
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from claude_usage.reader.parse import INF, text_or_none
from claude_usage.reader.sessions import BUCKET_SECONDS
from claude_usage.shim.events import COST_FIELDS

if TYPE_CHECKING:
    from claude_usage.reader.aggregate import FileTally
    from claude_usage.reader.segments import Decoded

_COUNTERS = [itemgetter(field) for field in COST_FIELDS]
_VALUES = itemgetter(*COST_FIELDS)

# (first line, end, rate_limits, account, the reading's fields as add_cost takes them)
Run = tuple[int, int, Any, "str | None", tuple[Any, ...]]


def add_decoded(tally: FileTally, segment: Decoded) -> None:
    """Take a decoded segment's lines, in order, as `tally.add` would take each."""
    runs = _runs(segment)
    time, costs = segment.time, segment.costs
    for a, b, session, reading in _spans(segment, runs):
        at = time(a)
        tally.add_cost(at, session, costs[a], *reading)
        if b - a == 1:
            continue
        if type(reading[1]) is str and reading[1]:
            last = _steady_last(costs, a, b)
            process = tally.processes[reading[1]]
            if last is not None and process.steady == session:
                a = _take_steady(tally, segment, (a, b, session, reading), at, last)
                if a == b - 1:
                    continue
        # A counter down or not a number, or an event without `process` (whose
        # process is split at cost drops, line by line): each line as it comes.
        for i in range(a + 1, b):
            tally.add_cost(time(i), session, costs[i], *reading)
    last_at = time(len(costs) - 1)
    if tally.updated_at is None or last_at > tally.updated_at:
        tally.updated_at = last_at
    for start, stop, rate_limits, account, _ in runs:
        if tally.add_windows(time(start), rate_limits, account) and stop - start > 1:
            tally.see_windows_again(time(stop - 1))


def _take_steady(
    tally: FileTally, segment: Decoded, span: tuple[Any, ...], at: int, last: tuple[Any, ...]
) -> int:
    """Take the steady lines after the span's first, a quarter hour at a piece; return the
    last line taken (the span's last when all were)."""
    a, b, session, reading = span
    time, costs, process = segment.time, segment.costs, tally.processes[reading[1]]
    end_at = time(b - 1)
    while end_at // BUCKET_SECONDS != at // BUCKET_SECONDS:
        cut = segment.first_line_at((at // BUCKET_SECONDS + 1) * BUCKET_SECONDS, a + 1, b)
        before_at = at if cut == a + 1 else time(cut - 1)
        cut_at = time(cut)
        if not process.split_steady(
            session, _VALUES(costs[cut - 1]), before_at, _VALUES(costs[cut]), cut_at
        ):
            return a
        a, at = cut, cut_at
    if b - a > 1 and not process.take_steady(session, last, end_at):
        return a
    return b - 1


def _runs(segment: Decoded) -> list[Run]:
    """The segment's runs of lines with one tail, each with its fields as `add` reads them."""
    tails = segment.tails
    stops = [*(start for start, _ in tails[1:]), len(segment.costs)]
    out = []
    fields, reading = None, ()
    for (start, tail), stop in zip(tails, stops, strict=True):
        rate_limits, has = tail.rate_limits, tail.has_windows
        if tail.fields is not fields or has is not reading[0]:
            fields = tail.fields
            process, auth, account, model = fields
            account = text_or_none(account)
            reading = (has, process, auth, account, model)
        out.append((start, stop, rate_limits, reading[3], reading))
    return out


def _spans(segment: Decoded, runs: list[Run]) -> list[tuple[int, int, str, tuple[Any, ...]]]:
    """(first line, end, session, reading) of each stretch of one session and one reading."""
    starts = dict(segment.sessions)  # first line -> session
    for before, run in zip(runs, islice(runs, 1, None), strict=False):
        if run[4] is not before[4] and run[4] != before[4]:
            starts.setdefault(run[0], "")
    out = []
    ordered = sorted(starts)
    r, session = 0, ""
    for a, b in zip(ordered, [*ordered[1:], len(segment.costs)], strict=True):
        while runs[r][1] <= a:
            r += 1
        session = starts[a] or session  # a new reading in the same session
        out.append((a, b, session, runs[r][4]))
    return out


def _steady_last(costs: list[Any], a: int, b: int) -> tuple[Any, ...] | None:
    """The last reading of lines a..b-1 if every counter is a finite number >= 0 that
    never goes down from one line to the next; else None."""
    span = costs[a:b]
    try:
        for get in _COUNTERS:
            column = list(map(get, span))
            ordered = sorted(column)  # a sorted column costs a compare a line
            if ordered != column or not (ordered[0] >= 0 and ordered[-1] < INF):
                return None
    except (KeyError, TypeError):  # a missing counter, a null, a string
        return None
    return _VALUES(costs[b - 1])
