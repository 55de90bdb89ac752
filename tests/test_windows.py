"""Windows (SPEC §7): latest resets_at, then highest use; derived fields; pace."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claude_usage.reader.windows import WindowPool, pace, window_fields

NOW = 1796298000
RESET = NOW + 12000


def pool_of(readings: list[tuple[int, dict]]) -> WindowPool:
    pool = WindowPool("five_hour")
    for at, window in readings:
        pool.add(at, window)
    return pool


def w(used: object, resets_at: object = RESET, **extra: object) -> dict:
    return {
        "used_percentage": used,
        "resets_at": resets_at,
        "label": "5h",
        "window_seconds": 18000,
        **extra,
    }


@pytest.mark.parametrize(
    ("readings", "used", "resets_at"),
    [
        pytest.param(
            [(1, w(10, RESET - 18000)), (2, w(90, RESET))], 90, RESET, id="newer-window-wins"
        ),
        pytest.param(
            [(1, w(90, RESET)), (2, w(10, RESET - 18000))],
            90,
            RESET,
            id="an-idle-session-re-rendering-an-old-window-does-not-win",
        ),
        pytest.param(
            [(1, w(40)), (2, w(44)), (3, w(41))],
            44,
            RESET,
            id="highest-of-the-window-not-newest-event",
        ),
        pytest.param([(1, w(None, None))], None, None, id="label-only-window"),
        pytest.param([(1, w("50"))], 50.0, RESET, id="numeric-string"),
        pytest.param([(1, w(105))], 105, RESET, id="over-100-kept"),
        pytest.param(
            [(1, w(None, RESET)), (2, w(12, RESET))], 12, RESET, id="null-use-then-a-reading"
        ),
    ],
)
def test_the_reading_that_counts(readings: list, used: object, resets_at: object) -> None:
    pool = pool_of(readings)
    assert (pool.used, pool.resets_at) == (used, resets_at)


def test_derived_fields_in_upstreams_order() -> None:
    fields = window_fields(pool_of([(NOW - 60, w(44))]), NOW)
    assert list(fields) == [
        "used_percentage",
        "resets_at",
        "window_seconds",
        "label",
        "status",
        "is_using_overage",
        "seconds_until_reset",
        "elapsed_seconds",
        "elapsed_percentage",
        "is_present",
        "burn_rate_per_hour",
        "projected_full_at",
    ]
    assert fields["seconds_until_reset"] == 12000
    assert fields["elapsed_seconds"] == 6000
    assert fields["elapsed_percentage"] == pytest.approx(100 / 3)
    assert fields["is_present"] is True


@pytest.mark.parametrize(
    ("window", "until", "elapsed", "present"),
    [
        (w(44, NOW - 100), 0, 18000, True),  # already reset
        (w(44, None), None, None, True),
        ({"used_percentage": 3, "resets_at": RESET}, 12000, None, True),  # no window_seconds
        (w(None, None), None, None, False),
    ],
)
def test_derived_edge_cases(window: dict, until: object, elapsed: object, present: bool) -> None:
    fields = window_fields(pool_of([(NOW - 60, window)]), NOW)
    assert (fields["seconds_until_reset"], fields["elapsed_seconds"], fields["is_present"]) == (
        until,
        elapsed,
        present,
    )


def test_pace_projects_the_time_to_full_before_the_reset() -> None:
    pool = pool_of([(NOW - 3600, w(20)), (NOW - 1800, w(30)), (NOW, w(40))])
    rate, full_at = pace(pool)
    assert rate == pytest.approx(20.0)  # % per hour
    assert full_at == NOW + 3 * 3600


def test_no_projection_when_the_window_resets_first() -> None:
    pool = pool_of([(NOW - 3600, w(20, NOW + 600)), (NOW, w(21, NOW + 600))])
    rate, full_at = pace(pool)
    assert rate == pytest.approx(1.0) and full_at is None


def test_no_pace_from_a_single_moment_or_an_old_window() -> None:
    assert pace(pool_of([(NOW, w(20))])) == (None, None)
    # Readings of an earlier window say nothing about the current one's pace.
    pool = pool_of([(NOW - 7200, w(90, RESET - 18000)), (NOW - 30, w(5)), (NOW, w(6))])
    assert pace(pool) == (None, None)


readings = st.lists(
    st.tuples(
        st.integers(NOW - 86400, NOW),
        st.fixed_dictionaries(
            {
                "used_percentage": st.one_of(st.none(), st.integers(0, 120), st.floats(0, 120)),
                "resets_at": st.one_of(
                    st.none(), st.sampled_from([RESET - 18000, RESET, RESET + 18000])
                ),
            }
        ),
    ),
    min_size=1,
    max_size=30,
)


def _summary(pool: WindowPool) -> tuple:
    return (
        pool.used,
        pool.resets_at,
        pool.first_at,
        pool.first_used,
        pool.last_at,
        pool.updated_at,
    )


@given(readings, st.randoms())
def test_order_does_not_change_the_result(seq: list, rnd: random.Random) -> None:
    shuffled = list(seq)
    rnd.shuffle(shuffled)
    a, b = pool_of(seq), pool_of(shuffled)
    assert (a.used, a.resets_at, a.last_at, a.updated_at) == (
        b.used,
        b.resets_at,
        b.last_at,
        b.updated_at,
    )
    assert a.first_at == b.first_at


@given(readings, st.integers(0, 30))
def test_merging_pools_equals_one_pool(seq: list, cut: int) -> None:
    whole = pool_of(seq)
    left, right = pool_of(seq[:cut]), pool_of(seq[cut:])
    left.merge(right)
    assert (left.used, left.resets_at, left.last_at, left.updated_at) == (
        whole.used,
        whole.resets_at,
        whole.last_at,
        whole.updated_at,
    )


@given(readings)
def test_use_never_goes_down_within_a_window(seq: list) -> None:
    pool = WindowPool("five_hour")
    best = None
    for at, window in seq:
        before = (pool.resets_at, pool.used)
        pool.add(at, window)
        if before[0] == pool.resets_at and before[1] is not None:
            assert pool.used is not None and pool.used >= before[1]
        best = pool.used
    assert best == pool.used


@given(readings)
def test_state_round_trip(seq: list) -> None:
    pool = pool_of(seq)
    assert _summary(WindowPool.from_state(pool.to_state())) == _summary(pool)


def test_merging_leaves_the_merged_pools_and_their_copies_as_they_were() -> None:
    # The report merges, in place, into a copy of a cached tally's pool (from_state of
    # its state): neither the pool copied nor the one merged in may change.
    a, b = pool_of([(1, w(10)), (2, w(20))]), pool_of([(3, w(30))])
    copy = WindowPool.from_state(a.to_state())
    copy.merge(b)
    assert list(a.steps) == [1, RESET, 10, 2, RESET, 20] and list(b.steps) == [3, RESET, 30]
    assert copy.steps == a.steps + b.steps


def test_a_number_beyond_a_double_is_a_step_too() -> None:
    # as_number takes any int a JSON file holds; the steps' array holds doubles.
    pool = pool_of([(1, w(10, 2**2000)), (2, w(2**1100, 2**2000))])
    assert pool.used == 2**1100 and len(pool.steps) == 6
