"""Window history (history.py): steps -> series, and the text chart's columns. Pure."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claude_usage.reader.aggregate import FileTally
from claude_usage.reader.discover import EventsFile
from claude_usage.reader.history import (
    Point,
    Series,
    clip,
    normalise_steps,
    report_series,
    window_series,
)
from claude_usage.reader.render.history_text import chart_lines, column_peaks
from claude_usage.reader.report import build_report
from claude_usage.reader.windows import WindowPool

NOW = 1796298000
R1, R2, R3 = NOW - 600, NOW - 300, NOW + 1000  # three windows' reset times


@pytest.mark.parametrize(
    ("steps", "kept"),
    [
        pytest.param([[3, R1, 20], [1, R1, 10]], [[1, R1, 10], [3, R1, 20]], id="sorted-by-time"),
        pytest.param(
            [[1, R1, 30], [2, R1, 20], [3, R1, 40]],
            [[1, R1, 30], [3, R1, 40]],
            id="an-older-lower-number-re-rendered-is-not-a-step",
        ),
        pytest.param(
            [[1, R2, 5], [2, R1, 90]], [[1, R2, 5]], id="an-older-window-read-later-is-not-a-step"
        ),
        pytest.param(
            [[1, R1, 90], [2, R2, 5]], [[1, R1, 90], [2, R2, 5]], id="a-newer-window-is-a-step"
        ),
        pytest.param(
            [[1, R1, 10], [1, R1, 30], [1, R1, 20]], [[1, R1, 30]], id="one-time-its-best-reading"
        ),
        pytest.param(
            [[1, None, None], [2, R1, None], [3, R1, 4]],
            [[1, None, None], [2, R1, None], [3, R1, 4]],
            id="nulls-rank-lowest-as-in-the-pool",
        ),
    ],
)
def test_normalise_steps(steps: list, kept: list) -> None:
    assert normalise_steps(pool_with(steps).steps) == [tuple(step) for step in kept]


def pool_with(steps: list) -> WindowPool:
    pool = WindowPool("five_hour")
    for at, resets_at, used in steps:
        pool.add_step(at, resets_at, used)
    return pool


def series_of(steps: list, start: int, end: int = NOW) -> list[tuple]:
    pool = pool_with(steps)
    return [(p.at, p.used, p.is_reset) for p in window_series(pool, start, end).points]


@pytest.mark.parametrize(
    ("steps", "start", "points"),
    [
        pytest.param(
            [[NOW - 900, R1, 10], [NOW - 800, R1, 50], [NOW - 200, R3, 7]],
            NOW - 1000,
            [
                (NOW - 1000, None, False),
                (NOW - 900, 10, False),
                (NOW - 800, 50, False),
                (R1, 0, True),
                (NOW - 200, 7, False),
            ],
            id="drop-to-0-at-the-reset-then-the-next-window",
        ),
        pytest.param(
            [[NOW - 900, R1, 10], [NOW - 800, R1, 50]],
            NOW - 700,
            [(NOW - 700, 50, False), (R1, 0, True)],
            id="the-value-at-the-start-carried-in",
        ),
        pytest.param(
            [[NOW - 900, R1, 10], [NOW - 100, R1, 10]],
            NOW - 1000,
            [(NOW - 1000, None, False), (NOW - 900, 10, False), (R1, 0, True)],
            id="a-re-render-after-the-reset-stays-at-0",
        ),
        pytest.param(
            [[NOW - 900, R1, 10], [NOW - 800, R3, 3]],
            NOW - 1000,
            [(NOW - 1000, None, False), (NOW - 900, 10, False), (NOW - 800, 3, False)],
            id="a-newer-window-before-the-reset-was-due",
        ),
        pytest.param(
            [[NOW - 900, R1, 10], [NOW + 5, R3, 3]],
            NOW - 1000,
            [(NOW - 1000, None, False), (NOW - 900, 10, False), (R1, 0, True)],
            id="readings-after-now-left-out",
        ),
    ],
)
def test_window_series(steps: list, start: int, points: list) -> None:
    assert series_of(steps, start) == points


def test_clip_merges_repeats_of_one_window() -> None:
    points = [Point(10, 5, R1), Point(20, 5, R1), Point(30, 6, R1), Point(40, 6, R3)]
    assert clip(points, 0, 35) == [Point(0, None, None), Point(10, 5, R1), Point(30, 6, R1)]


def series(points: list[Point], start: int = 0, end: int = 100) -> Series:
    return Series("claude", "acct", "five_hour", "5h", start, end, points)


def test_each_column_is_the_highest_use_in_its_slot() -> None:
    one = series([Point(0, 10, R1), Point(25, 80, R1), Point(26, 5, R2), Point(90, 50, R2)])
    # Slots of 10 s: 80 % lasted one second of the third slot and still shows.
    assert column_peaks(one, 10) == [10, 10, 80, 5, 5, 5, 5, 5, 5, 50]
    assert column_peaks(series([Point(0, None, None), Point(50, 3, R1)]), 4) == [None, None, 3, 3]


def test_chart_lines() -> None:
    points = [Point(NOW - 100, None, None), Point(NOW - 80, 100, R1), Point(NOW - 60, 0, R1, True)]
    one = Series("claude", "acct\x1b[31m", "five_hour", "5h", NOW - 100, NOW, points)
    # 10 columns of 10 s; the account's escape sequence is not for the terminal.
    lines = chart_lines(one, width=16)
    assert lines == [
        "5h (account acct?[31m): 0% now, peak 100%",
        "100% ┤  ██",
        "     │  ██",
        " 50% ┤  ██",
        "     │  ██",
        "  0% └──────────",
        "      2026-12-03 11:38 2026-12-03 11:40 UTC",
    ]


# Readings of one account's five_hour window: (time, resets_at, used, file), any order.
readings = st.lists(
    st.tuples(
        st.integers(NOW - 1000, NOW),
        st.sampled_from([None, R1, R2, R3]),
        st.one_of(st.none(), st.integers(0, 100), st.sampled_from([12.5, 99.99])),
        st.integers(0, 2),
    ),
    max_size=25,
)


def _rank(resets_at: object, used: object) -> tuple[float, float]:
    return (-1 if resets_at is None else resets_at, float("-inf") if used is None else used)  # type: ignore[return-value]


def use_at(raw: list[tuple], t: int) -> float | None:
    """The definition: the counting reading among those made by t; 0 once it reset."""
    made = [(resets_at, used) for at, resets_at, used, _ in raw if at <= t]
    if not made:
        return None
    resets_at, used = max(made, key=lambda r: _rank(*r))
    return 0 if resets_at is not None and resets_at <= t else used


def tallies_of(raw: list[tuple], order: list[int]) -> list[FileTally]:
    files = [FileTally() for _ in range(3)]
    for at, resets_at, used, index in raw:
        window = {"used_percentage": used, "resets_at": resets_at, "label": "5h"}
        files[index].add_windows(at, {"five_hour": window}, "acct")
        # What the event's cost side would set (add_windows leaves it to add_cost).
        files[index].updated_at = max(files[index].updated_at or at, at)
    # Through the cache's JSON, as a second report reads them.
    cached = [FileTally.from_state(json.loads(json.dumps(t.to_state()))) for t in files]
    return [cached[i] for i in order]


def merged_series(raw: list[tuple], order: list[int], start: int = NOW - 2000) -> Series | None:
    tallies = tallies_of(raw, order)
    files = [EventsFile(Path(f"/e{i}"), "claude", "h", f"a{i}", f"a{i}") for i in range(3)]
    report = build_report(list(zip(files, tallies, strict=True)), NOW, 86400, 300)
    found = report_series(report, NOW - start)
    return found[0] if found else None


def value_at(one: Series, t: int) -> float | None:
    return [p.used for p in one.points if p.at <= t][-1]


@given(readings, st.permutations([0, 1, 2]))
def test_the_series_is_the_definition_in_any_file_order(raw: list, order: list) -> None:
    got = merged_series(raw, order)
    if got is None:
        assert not raw
        return
    assert got == merged_series(raw, [0, 1, 2])
    for t in range(got.start, got.end + 1):
        assert value_at(got, t) == use_at(raw, t), t


@given(readings)
def test_the_series_goes_down_only_when_a_window_resets(raw: list) -> None:
    got = merged_series(raw, [0, 1, 2])
    points = got.points if got else []
    for before, point in pairwise(points):
        if before.used is not None and (point.used is None or point.used < before.used):
            newer = _rank(point.resets_at, 0)[0] > _rank(before.resets_at, 0)[0]
            assert point.is_reset or newer, (before, point)


@given(readings.filter(bool), st.integers(NOW - 1000, NOW + 2000))
def test_the_last_point_is_the_reports_use_now(raw: list, now: int) -> None:
    raw = [r for r in raw if r[0] <= now] or raw[:1]
    now = max(now, raw[0][0])
    tallies = tallies_of(raw, [0, 1, 2])
    files = [EventsFile(Path(f"/e{i}"), "claude", "h", f"a{i}", f"a{i}") for i in range(3)]
    report = build_report(list(zip(files, tallies, strict=True)), now, 86400, 300)
    pool = report.sources[0].windows["five_hour"]
    (got,) = report_series(report, 3000)
    reset = pool.resets_at is not None and pool.resets_at <= now
    assert got.current == (0 if reset else pool.used)
