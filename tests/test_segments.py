"""The segment reader (segments.py, stretches.py) against the line-by-line reference.

Whatever the bytes, reading a file in segments must leave exactly the tally that taking
each line whole (`FileTally.add_line`) leaves, and raise OutOfOrder where it raises.
The files are written by the shim's own record functions, then damaged.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claude_usage.reader import segments
from claude_usage.reader.aggregate import FileTally, OutOfOrder, tally_lines
from claude_usage.reader.segments import decode_segment, scan_segments
from claude_usage.shim.events import format_timestamp
from claude_usage.shim.record import event_body, event_head

from .plant import NOW


def reference(data: bytes) -> FileTally:
    tally = FileTally()
    for line in data.split(b"\n"):
        tally.add_line(line)
    return tally


def outcome(read, data: bytes) -> object:
    try:
        return read(data).to_state()
    except OutOfOrder as error:
        return ("OutOfOrder", str(error))


def our_line(
    i: int,
    at: float,
    session: object,
    cost: object,
    rate_limits: object,
    process: object = "linux:b00t:1:1",
    auth_env: tuple[str, ...] = (),
    account: object = None,
    model: object = "claude-opus-5",
) -> bytes:
    payload = {"session_id": session, "cost": cost, "rate_limits": rate_limits}
    payload.update(version="2.1.240", model={"id": model})
    head = event_head(f"{i:032x}", format_timestamp(int(at * 1e9)))
    return (head + event_body(payload, "vm", process, list(auth_env), account) + "\n").encode()


odd_costs = st.sampled_from(
    [None, {}, {"total_cost_usd": 1.0}, {"note": "a}b"}, {"n": {"x": 1}}, "0.5", [1]]
)
odd_counters = st.sampled_from([None, "0.5", -1, True, 1e308, 2**70, 0.1 + 0.2])
window = st.fixed_dictionaries(
    {
        "used_percentage": st.sampled_from([5, 6, 44, 44.5, "7", None]),
        "resets_at": st.sampled_from([NOW + 600, NOW + 7200, NOW - 60, None]),
    }
)
rate_limits = st.one_of(
    st.fixed_dictionaries({"five_hour": window, "seven_day": window}),
    st.fixed_dictionaries({"five_hour": window}),
    st.sampled_from([None, {}, {"five_hour": None}, {"seven_day": {"used_percentage": 1}}]),
)
SAME = "same"
render = st.fixed_dictionaries(
    {
        "step": st.sampled_from([0, 0.4, 1, 1, 30, 30, 600, -1, -3600]),
        "session": st.sampled_from(["s-1"] * 12 + ["s-2"] * 5 + ["", None, 'a"b', "\u00e9t\u00e9"]),
        # How the counters move: mostly up, as a session works; sometimes a reset, a
        # field gone null or odd, or a cost that is not the five numbers at all.
        "cost": st.one_of(
            st.sampled_from(["up"] * 8 + [SAME, "reset"]),
            st.tuples(st.integers(0, 4), odd_counters),
            odd_costs.map(lambda c: ("whole", c)),
        ),
        "x_future": st.booleans(),
        "rate_limits": st.one_of(st.just(SAME), st.just(SAME), st.just(SAME), rate_limits),
        "process": st.sampled_from(["linux:b00t:1:1"] * 6 + ["linux:b00t:2:9", None]),
        "auth_env": st.sampled_from([(), (), (), ("ANTHROPIC_API_KEY",)]),
        "account": st.sampled_from([SAME] * 6 + [None, "5eed0a11ce01", "5eed0b0b0202", ""]),
        "model": st.sampled_from(["claude-opus-5"] * 4 + ["claude-haiku-4-5", None]),
        "repeat": st.integers(1, 6),  # a render written again, as an idle session does
        "up": st.tuples(st.integers(0, 3), st.integers(0, 9000), st.integers(0, 400)),
    }
)
FIELDS = ("total_cost_usd", "total_duration_ms", "total_api_duration_ms")
FIELDS += ("total_lines_added", "total_lines_removed")


def damage(line: bytes, how: int, where: int) -> bytes:
    """One of the ways a line is found broken or unusual in a real file."""
    at = where % max(1, len(line) - 1)
    cuts = {
        0: line,
        1: line[:at] + b"\n",  # torn (the writer killed mid-line), then the next line
        2: line[:at] + bytes([line[at] ^ 0x01]) + line[at + 1 :],  # a flipped bit
        3: line[:at] + b'"' + line[at + 1 :],
        4: line[:at] + b"\\" + line[at + 1 :],
        5: line[:at] + b"\x00" + line[at + 1 :],
        6: line[:at] + b"\xff" + line[at + 1 :],
        7: line[:at] + b"}" + line[at + 1 :],
        8: line[:-2] + b',"session_id":"dup"}\n',  # a key again after the tail's start
        9: line[:-2] + b',"timestamp":"2026-12-03T00:00:00Z"}\n',
        10: line.replace(b"\n", b"\r\n"),
        11: b"\n" + line,  # a blank line before
        12: line[:-1] + b" \n",
        13: line.replace(b'"cost":{', b'"cost":{"total_cost_usd":9,', 1),  # duplicate key
        14: line.replace(b"T", b"T\t", 1),
        15: line.replace(b":00.", b":60.", 1),
        # A hex letter of a key swapped for another: the shape alone cannot see it.
        16: line.replace(b'"timestamp"', b'"timestbmp"', 1),
        17: line.replace(b'"session_id"', b'"session_ie"', 1),
        18: line.replace(b"-12-", b"-13-", 1),  # no such month
    }
    return cuts[how]


def build(renders: list[dict], damages: list[tuple[int, int]]) -> bytes:
    """A file of renders as the shim writes them, every third render damaged."""
    out, at, i = [], float(NOW - 86400), 0
    counters = [0.0, 0, 0, 0, 0]
    limits, account = None, None
    for index, r in enumerate(renders):
        at += r["step"]
        move = r["cost"]
        if move == "up":
            usd, ms, lines = r["up"]
            counters = [
                round(counters[0] + usd * 0.01, 6),
                counters[1] + ms,
                counters[2] + ms // 3,
                counters[3] + lines,
                counters[4] + lines // 2,
            ]
        elif move == "reset":
            counters = [0.0, 0, 0, 0, 0]
        cost: object = dict(zip(FIELDS, counters, strict=True))
        if type(move) is tuple and move[0] == "whole":
            cost = move[1]
        elif type(move) is tuple:
            cost[FIELDS[move[0]]] = move[1]  # type: ignore[index]
        if r["x_future"] and type(cost) is dict:
            cost["x_future"] = 1
        limits = limits if r["rate_limits"] == SAME else r["rate_limits"]
        account = account if r["account"] == SAME else r["account"]
        for _ in range(r["repeat"]):
            line = our_line(
                i,
                at,
                r["session"],
                cost,
                limits,
                r["process"],
                r["auth_env"],
                account,
                r["model"],
            )
            how, where = damages[index % len(damages)] if damages else (0, 0)
            out.append(damage(line, how, where) if index % 3 == 0 else line)
            at += 0.5
            i += 1
    return b"".join(out)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(render, min_size=1, max_size=25),
    st.lists(st.tuples(st.integers(0, 18), st.integers(0, 700)), max_size=4),
    st.sampled_from([1, 2, 3, 7, 1024]),
)
def test_segments_read_exactly_what_each_line_says(
    renders: list[dict], damages: list[tuple[int, int]], segment_lines: int
) -> None:
    data = build(renders, damages)
    original = segments.SEGMENT_LINES
    segments.SEGMENT_LINES = segment_lines  # segment ends fall everywhere
    try:
        assert outcome(tally_lines, data) == outcome(reference, data)
    finally:
        segments.SEGMENT_LINES = original


clean_render = st.fixed_dictionaries(
    {
        "step": st.sampled_from([0, 0.4, 1, 30, 600]),
        "session": st.sampled_from(["s-1", "s-1", "s-2", "s-3"]),
        "cost": st.sampled_from(["up"] * 4 + [SAME, "reset"]),
        "x_future": st.just(False),
        "rate_limits": st.one_of(st.just(SAME), rate_limits),
        "process": st.sampled_from(["linux:b00t:1:1", "linux:b00t:1:1", "linux:b00t:2:9"]),
        "auth_env": st.sampled_from([(), ("ANTHROPIC_API_KEY",)]),
        "account": st.sampled_from([SAME, SAME, "5eed0a11ce01", "5eed0b0b0202"]),
        "model": st.sampled_from(["claude-opus-5", "claude-haiku-4-5"]),
        "repeat": st.integers(1, 6),
        "up": st.tuples(st.integers(0, 3), st.integers(0, 9000), st.integers(0, 400)),
    }
)


@settings(max_examples=300, deadline=None)
@given(st.lists(clean_render, min_size=1, max_size=40), st.sampled_from([2, 5, 1024]))
def test_segments_of_clean_files_read_exactly_what_each_line_says(
    renders: list[dict], segment_lines: int
) -> None:
    # Files as the writer leaves them (resets, new sessions and processes, rate limits
    # that change and come back): the segments decode, and the stretches must be exact.
    data = build(renders, [])
    original = segments.SEGMENT_LINES
    segments.SEGMENT_LINES = segment_lines
    try:
        assert all(
            decode_segment(item) is not None
            for item in scan_segments(data)
            if not isinstance(item, bytes)
        )
        assert outcome(tally_lines, data) == outcome(reference, data)
    finally:
        segments.SEGMENT_LINES = original


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.lists(render, min_size=1, max_size=4))
def test_arbitrary_bytes_between_lines_read_as_each_line_says(junk: bytes, renders) -> None:
    good = build(renders, [])
    data = good + junk + b"\n" + good
    assert outcome(tally_lines, data) == outcome(reference, data)


def steady_file(lines: int, sessions: int = 2, start: int = NOW - 3600) -> bytes:
    out, usd = [], 0.0
    for i in range(lines):
        usd += 0.01
        limits = {"five_hour": {"used_percentage": i // 4, "resets_at": NOW + 3600}}
        cost = {
            "total_cost_usd": round(usd, 2),
            "total_duration_ms": 1000 * i,
            "total_api_duration_ms": 10 * i,
            "total_lines_added": i,
            "total_lines_removed": 0,
        }
        session = f"s-{i * sessions // lines}"
        out.append(our_line(i, start + i, session, cost, limits))
    return b"".join(out)


@pytest.mark.parametrize("how", range(19))
@pytest.mark.parametrize("where", [0, 70, 100, 120, 150, 158, 170, 200, 400])
def test_each_kind_of_damage_reads_as_each_line_says(how: int, where: int) -> None:
    lines = steady_file(12).splitlines(keepends=True)
    lines[5] = damage(lines[5], how, where)
    data = b"".join(lines)
    assert outcome(tally_lines, data) == outcome(reference, data)


def test_the_writers_lines_take_the_fast_path() -> None:
    # Else the exactness tests above would pass by never leaving the slow path.
    data = steady_file(3000)
    found = list(scan_segments(data))
    assert [type(item).__name__ for item in found] == ["Segment"] * 3
    assert all(decode_segment(item) is not None for item in found)
    assert tally_lines(data).to_state() == reference(data).to_state()


def test_a_foreign_line_is_read_whole_and_the_rest_in_segments() -> None:
    upstream = (
        json.dumps(
            {
                "session_id": "u",
                "timestamp": "2026-12-03T10:00:00Z",
                "cost": {"total_cost_usd": 0.5},
            }
        ).encode()
        + b"\n"
    )
    data = steady_file(10) + upstream + steady_file(10, start=NOW - 60)
    kinds = [type(item).__name__ for item in scan_segments(data)]
    assert kinds == ["Segment", "bytes", "Segment"]
    assert tally_lines(data).to_state() == reference(data).to_state()


def test_any_one_byte_changed_in_the_fixed_part_reads_as_the_line_says() -> None:
    # Every byte value at every offset of PREFIX … SESSION_KEY, the part segments.py
    # checks by its shape: taken only where the line still reads the same whole.
    before, line, after = steady_file(3).splitlines(keepends=True)
    accepted = []
    for at in range(segments._SESSION_AT):
        for byte in range(256):
            changed = line[:at] + bytes([byte]) + line[at + 1 :]
            data = before + changed + after
            (item,) = scan_segments(data) if b"\n" not in changed[:-1] else (None,)
            if item is not None and decode_segment(item) is not None:
                accepted.append((at, byte))
            assert outcome(tally_lines, data) == outcome(reference, data), (at, byte)
    # Taken: the line as it was, or another hex digit in the event id or the fraction
    # of a second, or another digit elsewhere in the timestamp that still makes a time.
    variable = {*range(64, 96), *range(111, 141)}
    assert all(at in variable or byte == line[at] for at, byte in accepted)
    assert len(accepted) >= segments._SESSION_AT + 32 * 15 + 9 * 15


@pytest.mark.parametrize(
    "pieces",
    [
        # {"a":[{"b":1},{"c":2}]} and then {"d":1},{"e":2}: three values from three pieces
        [b'{"a":[{"b":1}', b'{"c":2}]}', b'{"d":1},{"e":2}'],
        # {"a":{"b":1},"x":2}, then 1 and {"e":2}: the same with one "}" a piece
        [b'{"a":{"b":1}', b'"x":2}', b'1,{"e":2}'],
        # {"a":"},{","b":1}, then {"d":1} and 2: a "}" inside a string
        [b'{"a":"}', b'{","b":1}', b'{"d":1},2'],
    ],
)
def test_costs_that_would_parse_only_together_are_refused(pieces: list[bytes]) -> None:
    # Each line alone is malformed; joined, their costs would parse as three values.
    tail = b',"rate_limits":null,"schema":1,"process":"p"}\n'
    lines = [our_line(i, NOW - 10 + i, "s", {"total_cost_usd": 1}, None) for i in range(3)]
    data = b"".join(
        line[: line.index(b'"cost":') + 7] + piece + tail
        for line, piece in zip(lines, pieces, strict=True)
    )
    segments_found = [item for item in scan_segments(data) if not isinstance(item, bytes)]
    assert all(decode_segment(item) is None for item in segments_found)
    assert tally_lines(data).stats.malformed == reference(data).stats.malformed == 3


@given(
    st.lists(st.integers(0, 3 * 86400), min_size=1, max_size=60).map(sorted),
    st.integers(-900, 3 * 86400 + 900),
    st.data(),
)
def test_a_minutes_first_line_is_found_in_the_head_texts_as_in_the_times(
    offsets: list[int], minute: int, data: st.DataObject
) -> None:
    base = NOW - NOW % 86400 - 86400  # a midnight, so that days and months roll over
    data_bytes = b"".join(
        our_line(i, base + off + 0.25, "s-1", {"total_cost_usd": i}, None)
        for i, off in enumerate(offsets)
    )
    (segment,) = scan_segments(data_bytes)
    decoded = decode_segment(segment)  # type: ignore[arg-type]
    assert decoded is not None
    moment = base + minute // 60 * 60
    lo = data.draw(st.integers(0, len(offsets)))
    hi = data.draw(st.integers(lo, len(offsets)))
    times = [decoded.time(i) for i in range(len(offsets))]
    want = next((i for i in range(lo, hi) if times[i] >= moment), hi)
    assert decoded.first_line_at(moment, lo, hi) == want
