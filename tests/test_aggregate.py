"""One file's events -> processes and windows: legacy processes, order, resumable state."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claude_usage.reader.aggregate import FileTally, OutOfOrder, tally_lines, tally_sorted
from claude_usage.reader.parse import iter_lines
from claude_usage.reader.sessions import API_KEY, SUBSCRIPTION
from claude_usage.reader.windows import WindowPool

from .plant import NOW, cost, event, windows


def lines(*events: dict, raw: bytes = b"") -> bytes:
    return b"".join(json.dumps(e).encode() + b"\n" for e in events) + raw


def sessions(tally: FileTally) -> dict[str, tuple]:
    return {
        (p.key, sid): (c[0], p.mode)
        for p in tally.processes.values()
        for sid, c in p.session_costs().items()
    }


def test_processes_are_accounted_apart() -> None:
    tally = tally_lines(
        lines(
            event(NOW - 30, "a", cost(1.0), process="p1"),
            event(NOW - 20, "b", cost(0.5), windows(10), process="p2"),
            event(NOW - 10, "a", cost(1.5), process="p1"),
        )
    )
    assert sessions(tally) == {("p1", "a"): (1.5, API_KEY), ("p2", "b"): (0.5, SUBSCRIPTION)}


def test_upstream_events_without_process_split_at_cost_drops() -> None:
    # UPSTREAM.md §5.5: 5.00 then 0.30 is two processes; a rate-limits-only event before
    # the drop marks the old process as subscription.
    tally = tally_lines(
        lines(
            event(NOW - 40, "a", cost(5.0), upstream=True),
            event(NOW - 30, "a", None, windows(12), upstream=True),
            event(NOW - 20, "b", cost(0.30), upstream=True),
            event(NOW - 10, "b", cost(0.40), upstream=True),
        )
    )
    assert sessions(tally) == {
        ("legacy-0", "a"): (5.0, SUBSCRIPTION),
        ("legacy-1", "b"): (0.4, API_KEY),
    }


@pytest.mark.parametrize(
    ("obj", "counter"),
    [
        ([1, 2], "malformed"),
        ("text", "malformed"),
        (None, "malformed"),
        ({"session_id": "", "timestamp": "2026-12-03T11:00:00Z", "cost": {}}, "no_session"),
        ({"session_id": 7, "timestamp": "2026-12-03T11:00:00Z", "cost": {}}, "no_session"),
        ({"timestamp": "2026-12-03T11:00:00Z", "cost": {}}, "no_session"),
        ({"session_id": "s", "timestamp": "yesterday", "cost": {}}, "no_timestamp"),
        ({"session_id": "s", "cost": {}}, "no_timestamp"),
    ],
)
def test_what_is_not_an_event_is_counted(obj: object, counter: str) -> None:
    tally = FileTally()
    tally.add(obj)
    assert getattr(tally.stats, counter) == 1 and not tally.processes


def test_malformed_and_torn_lines_are_counted_and_skipped() -> None:
    data = lines(
        event(NOW - 20, "a", cost(1.0)), raw=b'{"source":"claude/usage","ty\n{oops}\n'
    ) + lines(event(NOW - 10, "a", cost(2.0)))
    tally = tally_lines(data)
    assert tally.stats.malformed == 2
    assert sessions(tally) == {("linux:boot0000:100:1", "a"): (2.0, API_KEY)}


def test_unknown_keys_anywhere_are_ignored_unlike_upstream() -> None:
    # Upstream drops a whole cost block on an unknown key (SPEC §8).
    e = event(
        NOW,
        "a",
        {**cost(1.25, 10), "currency_hint": "USD"},
        {"five_hour": {"used_percentage": 5, "resets_at": NOW + 60, "limit_kind": "x"}},
    )
    e["future_field"] = {"nested": [1, 2]}
    tally = tally_lines(lines(e))
    assert sessions(tally)[("linux:boot0000:100:1", "a")] == (1.25, SUBSCRIPTION)
    assert tally.pools[None]["five_hour"].used == 5


def test_a_process_going_back_in_time_asks_for_sorted_reading() -> None:
    data = lines(event(NOW - 10, "a", cost(2.0)), event(NOW - 20, "a", cost(1.0)))
    with pytest.raises(OutOfOrder):
        tally_lines(data)
    tally = tally_sorted(iter_lines(data))
    assert sessions(tally) == {("linux:boot0000:100:1", "a"): (2.0, API_KEY)}


def test_other_processes_may_interleave() -> None:
    data = lines(
        event(NOW - 10, "a", cost(2.0), process="p1"), event(NOW - 20, "b", cost(1.0), process="p2")
    )
    assert len(tally_lines(data).processes) == 2


def test_windows_per_account() -> None:
    tally = tally_lines(
        lines(
            event(NOW - 20, "a", cost(1.0), windows(30), account="acct-one"),
            event(NOW - 10, "b", cost(1.0), windows(70), account="acct-two", process="p2"),
        )
    )
    assert {a: p["five_hour"].used for a, p in tally.pools.items()} == {
        "acct-one": 30,
        "acct-two": 70,
    }


def test_repeated_rate_limits_move_only_the_times() -> None:
    rl = windows(30)
    tally = tally_lines(lines(*(event(NOW - 100 + i, "a", cost(float(i)), rl) for i in range(5))))
    pool = tally.pools[None]["five_hour"]
    assert (pool.used, pool.first_at, pool.last_at, pool.updated_at) == (
        30,
        NOW - 100,
        NOW - 96,
        NOW - 96,
    )


@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    try:
        tally = tally_lines(data)
    except OutOfOrder:
        tally = tally_sorted(iter_lines(data))
    assert tally.stats.malformed >= 0


event_objs = st.builds(
    lambda at, sid, usd, five, proc: event(NOW - at, sid, cost(usd), windows(five), process=proc),
    st.integers(0, 1000),
    st.sampled_from(["a", "b"]),
    st.floats(0, 100),
    st.integers(0, 100),
    st.sampled_from(["p1", "p2", None]),
)


@given(st.lists(event_objs, max_size=30), st.integers(0, 30))
def test_resuming_from_state_equals_reading_at_once(objs: list[dict], cut: int) -> None:
    ordered = sorted(objs, key=lambda e: e["timestamp"])
    whole = tally_sorted(ordered)
    first = tally_sorted(ordered[:cut])
    resumed = FileTally.from_state(json.loads(json.dumps(first.to_state())))
    for obj in ordered[cut:]:
        resumed.add(obj)
    assert sessions(resumed) == sessions(whole)
    assert resumed.updated_at == whole.updated_at


window_readings = st.lists(
    st.tuples(
        st.integers(0, 50),  # at
        st.sampled_from(
            [
                {"five_hour": {"used_percentage": 5, "resets_at": NOW}},
                {"five_hour": {"used_percentage": 9, "resets_at": NOW}},
                {"five_hour": {"used_percentage": 2, "resets_at": NOW + 18000}},
                {
                    "five_hour": {"used_percentage": 9, "resets_at": NOW},
                    "seven_day": {"used_percentage": 1, "resets_at": NOW + 9},
                },
                {"seven_day": {"used_percentage": 3, "resets_at": NOW + 9}, "x": None},
                {"five_hour": None},
                None,
                {},
            ]
        ),
        st.sampled_from([None, "acct-one", "acct-two"]),
    ),
    max_size=30,
)


@given(window_readings)
def test_windows_seen_again_are_what_adding_each_reading_makes(readings) -> None:
    # add_windows takes a window equal to the one it took last as only seen again; that
    # must leave each pool as adding every window of every reading does.
    tally = FileTally()
    naive: dict = {}
    for at, rate_limits, account in readings:
        tally.add_windows(NOW + at, rate_limits, account)
        for name, window in (rate_limits or {}).items():
            if type(window) is dict:
                pools = naive.setdefault(account, {})
                pools.setdefault(name, WindowPool(name)).add(NOW + at, window)
    got = {a: {k: p.to_state() for k, p in pools.items()} for a, pools in tally.pools.items()}
    want = {a: {k: p.to_state() for k, p in pools.items()} for a, pools in naive.items()}
    assert got == want


@pytest.mark.parametrize(
    ("rate_limits", "mode"),
    [
        ({"five_hour": {"used_percentage": 5, "resets_at": NOW}}, SUBSCRIPTION),
        ({"five_hour": None}, SUBSCRIPTION),  # the writer keeps it as {label, window_seconds}
        ({}, API_KEY),  # Claude Code never sends it empty: no sign of a plan
        ({"five_hour": 5, "seven_day": "x"}, API_KEY),
    ],
)
def test_a_subscription_needs_a_window_object(rate_limits: dict, mode: str) -> None:
    tally = tally_lines(lines(event(NOW - 10, "a", cost(1.0), rate_limits)))
    assert [p.mode for p in tally.processes.values()] == [mode]


def test_upstream_events_are_cut_at_drops_in_time_order() -> None:
    # x 0.5 @-300, y 0.9 @-100, z 0.2 @-200 in file order: sorted, z's drop cuts before y.
    data = lines(
        event(NOW - 300, "x", cost(0.5), upstream=True),
        event(NOW - 100, "y", cost(0.9), upstream=True),
        event(NOW - 200, "z", cost(0.2), upstream=True),
    )
    with pytest.raises(OutOfOrder):
        tally_lines(data)
    assert sessions(tally_sorted(iter_lines(data))) == {
        ("legacy-0", "x"): (0.5, API_KEY),
        ("legacy-1", "z"): (0.2, API_KEY),
        ("legacy-1", "y"): (pytest.approx(0.7), API_KEY),
    }
