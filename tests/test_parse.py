"""Field rules of the reader: timestamps, numbers, auth evidence, line splitting."""

from __future__ import annotations

import json
import os
import time

import pytest

from claude_usage.reader.parse import (
    as_number,
    decode,
    iter_lines,
    names_auth_evidence,
    parse_timestamp,
)

T = 1796298000  # 2026-12-03T11:40:00Z


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2026-12-03T11:40:00.123456789Z", T, id="ours-nanoseconds"),
        pytest.param("2026-12-03T11:40:00.000000000Z", T, id="upstream-zero-fraction"),
        pytest.param("2026-12-03T11:40:00Z", T, id="no-fraction"),
        pytest.param("2026-12-03T11:40:00.999Z", T, id="fraction-truncated"),
        pytest.param("2026-12-03T13:40:00+02:00", T, id="offset"),
        pytest.param("2026-12-03 11:40:00+00:00", T, id="space-separator"),
        pytest.param("20261203T114000Z", T, id="basic-format"),
        pytest.param("2026-12-03", T - 11 * 3600 - 40 * 60, id="date-only-midnight"),
        pytest.param("2026-12-03T11:40:59.999999999Z", T + 59, id="whole-seconds"),
        pytest.param("2026-12-03T11:60:00.000000000Z", None, id="minute-60"),
        pytest.param("2026-12-03T24:00:00.000000000Z", None, id="hour-24"),
        pytest.param("garbage", None, id="garbage"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="null"),
        pytest.param(1796298000, None, id="number-is-not-a-timestamp"),
    ],
)
def test_parse_timestamp(text: object, expected: int | None) -> None:
    assert parse_timestamp(text) == expected


def test_naive_timestamps_are_local_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    try:
        assert parse_timestamp("2026-12-03T12:40:00") == T  # UTC+1 in December
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()
    assert os.environ["TZ"] == "UTC"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1),
        (0.5, 0.5),
        (0, 0),
        ("0.5", 0.5),
        (" 2 ", 2.0),
        ("1e-3", 0.001),
        (True, True),  # upstream's reader (pydantic, lax) takes true as 1
        (-1, None),
        ("-1", None),
        (float("nan"), None),
        (float("inf"), None),
        ("inf", None),
        ("abc", None),
        (None, None),
        ([1], None),
        ({"a": 1}, None),
    ],
)
def test_as_number(value: object, expected: object) -> None:
    assert as_number(value) == expected


@pytest.mark.parametrize(
    ("auth", "expected"),
    [
        ({"env": ["ANTHROPIC_API_KEY"]}, True),
        ({"env": ["CLAUDE_CODE_USE_BEDROCK", "X"]}, True),
        ({"env": []}, False),
        ({"env": ["SOMETHING_ELSE"]}, False),
        ({"env": "ANTHROPIC_API_KEY"}, False),
        ({}, False),
        (None, False),
    ],
)
def test_names_auth_evidence(auth: object, expected: bool) -> None:
    assert names_auth_evidence(auth) is expected


def test_lines_split_on_newline_only() -> None:
    inside = {"session_id": "a\u2028b\u2029c\x85d\x0be\x0cf\x1cg"}
    data = json.dumps(inside, ensure_ascii=False).encode() + b"\r\n" + b"  \n\n" + b'{"x": 1}\n'
    assert list(iter_lines(data)) == [inside, {"x": 1}]


def test_decode_falls_back_for_what_orjson_refuses() -> None:
    nan = decode(b'{"a": NaN}')["a"]
    assert nan != nan and as_number(nan) is None  # decoded, then no number
    assert decode(b'{"a": 1e400}') == {"a": float("inf")}
    assert decode(b"not json") is None
    assert decode(b"\xef\xbb\xbf{}") == {}  # tolerant: a byte-order mark is skipped
    assert decode(b"[" * 100_000) is None
