"""Durations as upstream reads and writes them."""

from __future__ import annotations

import pytest

from claude_usage.reader.durations import (
    DurationError,
    format_age,
    format_duration,
    format_seconds,
    parse_duration,
    parse_seconds,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90", 90),
        ("30s", 30),
        ("5m", 300),
        ("1h30m", 5400),
        ("2d", 172800),
        ("1d12h", 129600),
        (" 24h ", 86400),
    ],
)
def test_parse(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["0", "0s", "1.5h", "forever", "", "5m1h", "1h 30m", "-5", "1w"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(DurationError, match="invalid duration"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-5, "now"),
        (0, "now"),
        (1, "1s"),
        (45, "45s"),
        (60, "1m"),
        (125, "2m 5s"),
        (3600, "1h"),
        (7320, "2h 2m"),
        (86400, "1d"),
        (86405, "1d"),
        (360000, "4d 4h"),
        (402000, "4d 15h"),
    ],
)
def test_format(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text


def test_age() -> None:
    assert [format_age(s) for s in (0, 1, 2, 600)] == ["just now", "just now", "2s ago", "10m ago"]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("0.5", 0.5),
        ("0.5s", 0.5),
        (".2s", 0.2),
        ("1.5m", 90.0),
        ("0.25h", 900.0),
        ("2", 2.0),
        ("2s", 2.0),
        ("1m30s", 90.0),  # the whole-second forms still work
        (" 1d ", 86400.0),
    ],
)
def test_parse_seconds(text: str, seconds: float) -> None:
    assert parse_seconds(text) == seconds


@pytest.mark.parametrize("text", ["0", "0.0s", ".0", "1.5.5", "1.5ms", "1e3", "-0.5", "", "2 s"])
def test_parse_seconds_rejects(text: str) -> None:
    with pytest.raises(DurationError, match="invalid duration"):
        parse_seconds(text)


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.5, "0.5s"), (1.25, "1.25s"), (3.0, "3s"), (90, "1m 30s")]
)
def test_format_seconds(seconds: float, text: str) -> None:
    assert format_seconds(seconds) == text
