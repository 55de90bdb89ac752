"""The `wait` loop with a fake clock: ticks, timeout, warnings once, errors."""

from __future__ import annotations

from typing import Any

import pytest

from claude_usage.reader.condition import ConditionTypeError, compile_condition
from claude_usage.reader.waiting import TIMED_OUT_EXIT, WaitTimedOut, wait_until


def report(used: float | None = None, warnings: tuple[str, ...] = ()) -> tuple[dict, list[str]]:
    source: dict[str, Any] = {"source": "claude", "session_count": 1}
    if used is not None:
        source["five_hour"] = {"used_percentage": used}
    return {"now": 0, "since_seconds": 86400, "sources": [source]}, list(warnings)


class Clock:
    """A clock that moves only when the loop sleeps; records what was read and warned."""

    def __init__(self, reports: list[tuple[dict, list[str]]]) -> None:
        self.now = 100.0
        self.reports = reports
        self.reads: list[float] = []
        self.sleeps: list[float] = []
        self.warnings: list[str] = []

    def read(self) -> tuple[dict, list[str]]:
        self.reads.append(self.now)
        # the last report repeats once the list runs out
        return self.reports[min(len(self.reads), len(self.reports)) - 1]

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def wait(self, text: str, interval: float = 2.0, timeout: float | None = None) -> dict:
        return wait_until(
            compile_condition(text),
            self.read,
            interval=interval,
            timeout=timeout,
            clock=lambda: self.now,
            sleep=self.sleep,
            warn=self.warnings.append,
        )


def test_matched_on_the_first_tick_reads_once_and_never_sleeps() -> None:
    clock = Clock([report(40)])
    assert clock.wait("five_hour.used_percentage < 50") == report(40)[0]
    assert (clock.reads, clock.sleeps, clock.warnings) == ([100.0], [], [])


def test_matched_on_a_later_tick_returns_that_report() -> None:
    clock = Clock([report(60), report(55), report(45), report(10)])
    matched = clock.wait("five_hour.used_percentage < 50", interval=0.5)
    assert matched["sources"][0]["five_hour"]["used_percentage"] == 45
    assert clock.reads == [100.0, 100.5, 101.0] and clock.sleeps == [0.5, 0.5]


def test_timeout_checks_once_more_at_the_deadline_then_raises() -> None:
    clock = Clock([report(60)])
    with pytest.raises(WaitTimedOut) as caught:
        clock.wait("five_hour.used_percentage < 50", interval=2, timeout=5)
    assert clock.reads == [100.0, 102.0, 104.0, 105.0]  # the last sleep is cut to the deadline
    assert str(caught.value) == (
        "timed out: 'five_hour.used_percentage < 50' was still false after 5s"
    )
    assert caught.value.exit_code == TIMED_OUT_EXIT == 2


def test_a_fractional_timeout_is_said_as_such() -> None:
    clock = Clock([report(60)])
    with pytest.raises(WaitTimedOut, match=r"still false after 1\.5s$"):
        clock.wait("five_hour.used_percentage < 50", interval=1, timeout=1.5)


def test_an_evaluation_error_is_false_warned_once_then_the_condition_matches() -> None:
    clock = Clock([report(None), report(None), report(None), report(30)])
    matched = clock.wait("five_hour.used_percentage < 50")
    assert matched["sources"][0]["five_hour"]["used_percentage"] == 30
    assert len(clock.reads) == 4
    (warning,) = clock.warnings
    assert warning.startswith(
        "condition 'five_hour.used_percentage < 50': unknown name 'five_hour'"
    )
    assert "counted as false, still waiting:\n  five_hour.used_percentage < 50\n  ^" in warning


def test_the_timeout_names_the_last_evaluation_error() -> None:
    clock = Clock([report(None)])
    with pytest.raises(WaitTimedOut) as caught:
        clock.wait("five_hour.used_percentage < 50", interval=1, timeout=2)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("timed out: 'five_hour.used_percentage < 50' was still false")
    assert message.endswith(
        "(last error: unknown name 'five_hour' (names: source, "
        "session_count, now, since_seconds, sources) at column 1)"
    )


def test_an_error_that_went_away_is_not_blamed_for_the_timeout() -> None:
    clock = Clock([report(None), report(70)])
    with pytest.raises(WaitTimedOut) as caught:
        clock.wait("five_hour.used_percentage < 50", interval=1, timeout=3)
    assert "last error" not in str(caught.value)
    assert len(clock.warnings) == 1


def test_a_non_boolean_result_stops_at_once() -> None:
    clock = Clock([report(40)])
    with pytest.raises(ConditionTypeError):
        clock.wait("five_hour.used_percentage", timeout=60)
    assert clock.sleeps == []


def test_reader_warnings_are_passed_on_once_each() -> None:
    first = report(60, ("skipped 2 malformed line(s) in a",))
    later = report(60, ("skipped 2 malformed line(s) in a", "skipped 1 malformed line(s) in b"))
    clock = Clock([first, later, later, report(10, first[1])])
    clock.wait("five_hour.used_percentage < 50")
    assert clock.warnings == [
        "skipped 2 malformed line(s) in a",
        "skipped 1 malformed line(s) in b",
    ]


def test_without_a_timeout_it_keeps_going() -> None:
    clock = Clock([report(60)] * 500 + [report(1)])
    clock.wait("five_hour.used_percentage < 50", interval=60)
    assert len(clock.reads) == 501 and set(clock.sleeps) == {60}
