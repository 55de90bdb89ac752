"""The event format module: timestamps, window decoration, line layout."""

from __future__ import annotations

import json

import pytest

from claude_usage.shim import events
from claude_usage.shim.record import event_head


@pytest.mark.parametrize(
    ("ns", "expected"),
    [
        (0, "1970-01-01T00:00:00.000000000Z"),
        (1796298000_000000001, "2026-12-03T11:40:00.000000001Z"),
        (1796298000_123456789, "2026-12-03T11:40:00.123456789Z"),
        (253402300799_999999999, "9999-12-31T23:59:59.999999999Z"),
    ],
)
def test_format_timestamp(ns: int, expected: str) -> None:
    assert events.format_timestamp(ns) == expected
    assert len(expected) == events.TIMESTAMP_LEN


@pytest.mark.parametrize(
    ("rate_limits", "expected"),
    [
        pytest.param(None, None, id="absent-stays-null"),
        pytest.param(
            {"five_hour": {"used_percentage": 44, "resets_at": 1}},
            {
                "five_hour": {
                    "used_percentage": 44,
                    "resets_at": 1,
                    "label": "5h",
                    "window_seconds": 18000,
                }
            },
            id="known-window",
        ),
        pytest.param(
            {"seven_day": None},
            {"seven_day": {"label": "7d", "window_seconds": 604800}},
            id="null-window-becomes-label-only",
        ),
        pytest.param(
            {"spend_limit": {"used_percentage": 1, "used_usd": 2.0}},
            {"spend_limit": {"used_percentage": 1, "used_usd": 2.0, "label": "spend_limit"}},
            id="unknown-window-labelled-by-key-no-seconds",
        ),
        pytest.param({"five_hour": 7}, {"five_hour": 7}, id="non-object-window-kept"),
        pytest.param([1, 2], [1, 2], id="non-object-rate-limits-kept"),
        pytest.param(
            {"five_hour": {"label": "x", "used_percentage": 1}},
            {"five_hour": {"label": "5h", "used_percentage": 1, "window_seconds": 18000}},
            id="existing-label-replaced-in-place",
        ),
    ],
)
def test_decorate_rate_limits(rate_limits: object, expected: object) -> None:
    assert events.decorate_rate_limits(rate_limits) == expected


def test_decoration_keeps_window_key_order_and_adds_after() -> None:
    decorated = events.decorate_rate_limits({"seven_day": {"b": 1, "a": 2}, "five_hour": {}})
    assert list(decorated) == ["seven_day", "five_hour"]
    assert list(decorated["seven_day"]) == ["b", "a", "label", "window_seconds"]


def test_line_layout_offsets_match_a_real_line() -> None:
    head = event_head("0" * 32, events.format_timestamp(1796298000_123456789))
    line = head + '"session_id":"s"}'
    assert (
        line[events.TIMESTAMP_OFFSET :][: events.TIMESTAMP_LEN] == "2026-12-03T11:40:00.123456789Z"
    )
    assert line[events.BODY_OFFSET :] == '"session_id":"s"}'
    assert list(json.loads(line)) == ["source", "type", "event_id", "timestamp", "session_id"]


def test_event_keys_are_upstream_then_extensions() -> None:
    assert events.EVENT_KEYS[:7] == (
        "source",
        "type",
        "event_id",
        "timestamp",
        "session_id",
        "cost",
        "rate_limits",
    )
    assert set(events.EXTENSION_KEYS) == {
        "schema",
        "host",
        "process",
        "auth",
        "account",
        "claude_version",
        "model",
    }
