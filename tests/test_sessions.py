"""Cost as a counter per process (SPEC §7): golden cases and properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claude_usage.reader.sessions import API_KEY, BUCKET_SECONDS, SUBSCRIPTION, ProcessTally

from .readings import feed, totals


@pytest.mark.parametrize(
    ("readings", "expected"),
    [
        pytest.param(
            [(1, "abc", (0.10,)), (2, "abc", (0.42,)), (3, "def", (1.23,))],
            {"abc": 0.42, "def": 1.23 - 0.42},
            id="upstream-example-one-process",
        ),
        pytest.param(
            [(1, "a", (5.0,)), (2, "b", (0.30,))], {"a": 5.0, "b": 0.30}, id="drop-is-a-reset"
        ),
        pytest.param(
            [(1, "a", (0.1,)), (2, "b", (0.3,)), (3, "a", (0.5,))],
            {"a": 0.1 + 0.2, "b": 0.2},
            id="interleaved-counter-semantics-not-upstream",
        ),
        pytest.param(
            [(1, "a", (1.0,)), (2, "a", (None,)), (3, "a", (2.0,))],
            {"a": 2.0},
            id="null-neither-resets-nor-advances",
        ),
        pytest.param(
            [(1, "a", (1.0,)), (2, "b", None), (3, "a", (2.0,))],
            {"a": 2.0},
            id="reading-without-cost-makes-no-session",
        ),
        pytest.param(
            [(1, "a", (1.0,)), (2, "a", (0.0,)), (3, "a", (0.5,))],
            {"a": 1.5},
            id="same-session-reset-counts-both-runs",
        ),
        pytest.param(
            [(1, "a", (2.0,)), (2, "a", (2.0,)), (3, "a", (2.0,))],
            {"a": 2.0},
            id="repeats-add-nothing",
        ),
        pytest.param(
            [(1, "a", ()), (2, "b", (6.0,))], {"a": None, "b": 6.0}, id="empty-cost-object"
        ),
        pytest.param(
            [(1, "a", (5.0,)), (2, "b", (None, 100)), (3, "c", (6.0,))],
            {"a": 5.0, "b": None, "c": 1.0},
            id="null-session-is-no-baseline-unlike-upstream",
        ),
    ],
)
def test_counter_rules(readings: list[tuple], expected: dict) -> None:
    got = totals(feed(readings))
    assert got.keys() == expected.keys()
    for sid, value in expected.items():
        assert got[sid] == pytest.approx(value) if value is not None else got[sid] is None


def test_a_single_session_sums_exactly_to_its_last_reading() -> None:
    readings = [(i, "s", (0.1 * i + 0.07, 1000 * i, 7 * i, i, 0)) for i in range(1, 200)]
    assert feed(readings).session_costs()["s"] == readings[-1][2]


def test_fields_reset_independently() -> None:
    tally = feed([(1, "a", (1.0, 100)), (2, "a", (1.5, 50)), (3, "a", (2.0, 80))])
    assert tally.session_costs()["a"][:2] == (2.0, 180)


def test_first_and_last_event_times() -> None:
    tally = feed([(10, "a", (1.0,)), (20, "b", (2.0,)), (30, "a", (3.0,))])
    assert [(s.first_at, s.last_at) for s in tally.sessions.values()] == [(10, 30), (20, 20)]


@pytest.mark.parametrize(
    ("has_rate_limits", "auth", "mode", "evidence"),
    [
        (True, {"env": ["ANTHROPIC_API_KEY"]}, SUBSCRIPTION, "rate_limits"),
        (False, {"env": ["ANTHROPIC_API_KEY"]}, API_KEY, "auth_env"),
        (False, {"env": ["ANTHROPIC_BASE_URL"]}, API_KEY, "auth_env"),
        (False, {"env": []}, API_KEY, "inferred"),
        (False, None, API_KEY, "inferred"),
    ],
)
def test_auth_mode(has_rate_limits: bool, auth: object, mode: str, evidence: str) -> None:
    tally = ProcessTally("p")
    tally.add(1, "a", {"total_cost_usd": 1}, False, None, None, None)
    tally.add(2, "a", {"total_cost_usd": 2}, has_rate_limits, auth, None, None)
    assert (tally.mode, tally.mode_evidence) == (mode, evidence)


def test_numeric_strings_and_junk_in_cost() -> None:
    tally = feed([(1, "a", ("0.5", "100")), (2, "a", ("abc", -5)), (3, "a", (1.0, 200))])
    assert tally.session_costs()["a"][:2] == (1.0, 200)


counter_values = st.one_of(st.none(), st.floats(min_value=0, max_value=1e6, allow_nan=False))
readings_strategy = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c"]), counter_values), min_size=1, max_size=60
)


def _increases(values: list[float | None]) -> float:
    total, prev = 0.0, None
    for v in values:
        if v is None:
            continue
        total += v if prev is None or v < prev else v - prev
        prev = v
    return total


@given(readings_strategy)
def test_sessions_sum_to_the_counters_increases(seq: list[tuple[str, float | None]]) -> None:
    tally = feed([(i, sid, (v,)) for i, (sid, v) in enumerate(seq)])
    credited = [c[0] for c in tally.session_costs().values() if c[0] is not None]
    assert math.fsum(credited) == pytest.approx(_increases([v for _, v in seq]), rel=1e-9, abs=1e-9)
    assert all(c >= 0 for c in credited)


@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b", "c"]), st.floats(0, 1e6)), min_size=1, max_size=60
    )
)
def test_a_monotone_counter_sums_to_its_last_reading(seq: list[tuple[str, float]]) -> None:
    values = sorted(v for _, v in seq)
    tally = feed([(i, sid, (v,)) for i, ((sid, _), v) in enumerate(zip(seq, values, strict=True))])
    credited = [c[0] for c in tally.session_costs().values()]
    assert math.fsum(credited) == pytest.approx(values[-1], rel=1e-9, abs=1e-9)


@given(readings_strategy, st.integers(0, 60))
def test_state_round_trip_and_resume(seq: list[tuple[str, float | None]], cut: int) -> None:
    readings = [(i, sid, (v,)) for i, (sid, v) in enumerate(seq)]
    whole = feed(readings)
    first = feed(readings[:cut])
    resumed = ProcessTally.from_state(first.to_state())
    for at, sid, cost in readings[cut:]:
        resumed.add(at, sid, {"total_cost_usd": cost[0]}, False, None, None, None)
    assert resumed.session_costs() == whole.session_costs()


# Buckets (for rollups by day): the same increases, per quarter hour of UTC.

Q = BUCKET_SECONDS


def _bucket_credits(tally: ProcessTally) -> dict[tuple[str, int], float]:
    out: dict[tuple[str, int], float] = {}
    for sid, shares in tally.session_buckets().items():
        for first_at, last_at, *credited in shares:
            assert first_at // Q == last_at // Q  # a share never crosses its bucket
            if credited[0] is not None:
                key = (sid, first_at // Q)
                out[key] = out.get(key, 0.0) + credited[0]
    return out


def _reference_bucket_credits(
    seq: list[tuple[int, str, float | None]],
) -> dict[tuple[str, int], float]:
    # Written apart from ProcessTally: each reading's own increase, to its session's bucket.
    # A null reading adds nothing, and is a zero share once the counter has a value.
    out: dict[tuple[str, int], float] = {}
    prev = None
    for at, sid, v in seq:
        if v is None:
            if prev is not None:
                out.setdefault((sid, at // Q), 0.0)
            continue
        increase = v if prev is None or v < prev else v - prev
        out[(sid, at // Q)] = out.get((sid, at // Q), 0.0) + increase
        prev = v
    return out


def test_a_session_across_midnight_is_split_at_the_quarter_hour() -> None:
    midnight = 1796256000  # 2026-12-03T00:00:00Z
    tally = feed(
        [
            (midnight - 60, "a", (1.0, 10)),
            (midnight - 1, "a", (1.5, 20)),
            (midnight, "a", (2.0, 30)),
            (midnight + 1000, "a", (2.25, 40)),
        ]
    )
    shares = tally.session_buckets()["a"]
    assert shares == [
        [midnight - 60, midnight - 1, 1.5, 20, None, None, None],
        [midnight, midnight, 0.5, 10, None, None, None],
        [midnight + 1000, midnight + 1000, 0.25, 10, None, None, None],
    ]


def test_a_reset_inside_a_bucket_counts_both_runs() -> None:
    tally = feed([(0, "a", (1.0,)), (10, "a", (3.0,)), (20, "a", (0.5,)), (30, "a", (0.75,))])
    assert tally.session_buckets()["a"] == [[0, 30, 3.75, None, None, None, None]]


timed_readings = st.lists(
    st.tuples(st.integers(0, 3 * Q), st.sampled_from(["a", "b", "c"]), counter_values),
    min_size=1,
    max_size=60,
)


@given(timed_readings)
def test_bucket_shares_are_each_readings_increase(seq: list[tuple[int, str, float | None]]) -> None:
    seq.sort(key=lambda r: r[0])
    tally = feed([(at, sid, (v,)) for at, sid, v in seq])
    got, want = _bucket_credits(tally), _reference_bucket_credits(seq)
    assert got.keys() == want.keys()
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-6)


@given(timed_readings)
def test_bucket_shares_sum_to_the_session_totals(seq: list[tuple[int, str, float | None]]) -> None:
    seq.sort(key=lambda r: r[0])
    tally = feed([(at, sid, (v,)) for at, sid, v in seq])
    per_session: dict[str, float] = {}
    for (sid, _), value in _bucket_credits(tally).items():
        per_session[sid] = per_session.get(sid, 0.0) + value
    for sid, cost in tally.session_costs().items():
        assert per_session.get(sid, 0.0) == pytest.approx(cost[0] or 0.0, rel=1e-9, abs=1e-6)


@given(timed_readings, st.integers(0, 60))
def test_bucket_shares_survive_the_cache(
    seq: list[tuple[int, str, float | None]], cut: int
) -> None:
    seq.sort(key=lambda r: r[0])
    readings = [(at, sid, (v,)) for at, sid, v in seq]
    resumed = ProcessTally.from_state(feed(readings[:cut]).to_state())
    for at, sid, cost in readings[cut:]:
        resumed.add(at, sid, {"total_cost_usd": cost[0]}, False, None, None, None)
    assert resumed.session_buckets() == feed(readings).session_buckets()
