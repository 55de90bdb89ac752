"""Human text, JSON and Prometheus output of the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from claude_usage.reader.collect import Selection, collect_report
from claude_usage.reader.render.json import render_json, report_dict
from claude_usage.reader.render.prometheus import render_prometheus
from claude_usage.reader.render.text import format_usd, render_text

from .plant import NOW, agent_dir, cost, event, upstream_example, windows, write_events

# UPSTREAM.md §5.8: upstream's output for the same events, clock and options.
UPSTREAM_DETAIL_TEXT = """\
[claude]
subscription cost (imputed): $1.23 across 2 sessions in last 1d
api cost: $2.50 (10m ago)
  [api] c0ffee00: $2.50 (10m ago)
  [sub] 9a8b7c6d: $0.81 (40m ago)
  [sub] 0f1e2d3c: $0.42 (1h 35m ago)
5h: 44% used, resets in 3h 20m
7d: 13% used, resets in 4d 15h
"""

# UPSTREAM.md §5.7, the same report as upstream's JSON (only its keys and values).
UPSTREAM_SOURCE = {
    "source": "claude",
    "updated_at": 1796297400,
    "is_stale": True,
    "since_seconds": 86400,
    "session_count": 3,
    "subscription_session_count": 2,
    "api_session_count": 1,
    "subscription_cost": {
        "total_cost_usd": 1.23,
        "total_duration_ms": 900000,
        "total_api_duration_ms": 300000,
        "total_lines_added": 40,
        "total_lines_removed": 7,
        "is_estimated": False,
    },
    "subscription_tokens": {
        "input": None,
        "output": None,
        "cache_read": None,
        "cache_creation": None,
    },
    "api_cost": {
        "total_cost_usd": 2.5,
        "total_duration_ms": 120000,
        "total_api_duration_ms": 80000,
        "total_lines_added": 0,
        "total_lines_removed": 0,
        "is_estimated": False,
    },
    "api_tokens": {"input": None, "output": None, "cache_read": None, "cache_creation": None},
    "five_hour": {
        "used_percentage": 44.0,
        "resets_at": 1796310000,
        "window_seconds": 18000,
        "label": "5h",
        "status": None,
        "is_using_overage": None,
        "seconds_until_reset": 12000,
        "elapsed_seconds": 6000,
        "elapsed_percentage": 33.33333333333333,
        "is_present": True,
    },
    "seven_day": {
        "used_percentage": 13.0,
        "resets_at": 1796700000,
        "window_seconds": 604800,
        "label": "7d",
        "status": None,
        "is_using_overage": None,
        "seconds_until_reset": 402000,
        "elapsed_seconds": 202800,
        "elapsed_percentage": 33.53174603174603,
        "is_present": True,
    },
}
UPSTREAM_SESSION_KEYS = [
    "session_id",
    "cost",
    "cost_mode",
    "cost_provenance",
    "model",
    "tokens",
    "first_event_at",
    "last_event_at",
    "age_seconds",
]


def report(tmp_path: Path, **selection: object):
    return collect_report(Selection(host_dirs=[tmp_path], use_cache=False, **selection), now=NOW)[0]


def test_human_text_matches_upstreams_lines(tmp_path: Path) -> None:
    upstream_example(tmp_path)
    text, warnings = render_text(report(tmp_path), detail=True)
    assert text == UPSTREAM_DETAIL_TEXT
    assert warnings == ["[claude] snapshot last updated 10m ago"]
    summary, _ = render_text(report(tmp_path))
    assert summary == "".join(
        line for line in UPSTREAM_DETAIL_TEXT.splitlines(True) if not line.startswith("  ")
    )


def test_json_keeps_upstreams_keys_order_and_values(tmp_path: Path) -> None:
    upstream_example(tmp_path)
    data = json.loads(render_json(report(tmp_path), detail=True))
    assert list(data) == ["now", "since_seconds", "sources"]
    (source,) = data["sources"]
    upstream_keys = list(UPSTREAM_SOURCE)
    ours = [k for k in source if k not in ("sessions", "accounts")]
    assert ours == upstream_keys  # same keys, same order
    assert list(source).index("sessions") == upstream_keys.index("api_tokens") + 1
    for key, value in UPSTREAM_SOURCE.items():
        if isinstance(value, dict) and key in ("five_hour", "seven_day"):
            assert {k: source[key][k] for k in value} == value, key
            assert list(source[key])[: len(value)] == list(value)
        else:
            assert source[key] == value, key
    assert [s["session_id"][:8] for s in source["sessions"]] == ["c0ffee00", "9a8b7c6d", "0f1e2d3c"]
    for session in source["sessions"]:
        assert list(session)[: len(UPSTREAM_SESSION_KEYS)] == UPSTREAM_SESSION_KEYS
    assert source["sessions"][1]["cost"] == {
        "total_cost_usd": 0.81,
        "total_duration_ms": 600000,
        "total_api_duration_ms": 210000,
        "total_lines_added": 30,
        "total_lines_removed": 5,
    }
    assert source["sessions"][0]["cost_mode_evidence"] == "inferred"
    assert source["sessions"][1]["agent"] == "alpha"


def test_json_shape_without_detail_and_without_data(tmp_path: Path) -> None:
    upstream_example(tmp_path)
    assert "sessions" not in report_dict(report(tmp_path))["sources"][0]
    empty = json.loads(render_json(report(tmp_path / "nothing")))
    assert empty == {"now": NOW, "since_seconds": 86400, "sources": []}


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.005, "$0.01"), (0.125, "$0.12"), (0.4275, "$0.43"), (2.5, "$2.50"), (0, "$0.00")],
)
def test_dollars_round_as_python_does(value: float, text: str) -> None:
    assert format_usd(value) == text


@pytest.mark.parametrize(
    ("used", "text"), [(73.5, "74%"), (72.5, "72%"), (0.5, "0%"), (99.99999999999999, "100%")]
)
def test_percentages_round_half_even(tmp_path: Path, used: float, text: str) -> None:
    write_events(agent_dir(tmp_path, "agent-1"), [event(NOW - 10, "s", cost(1.0), windows(used))])
    assert f"5h: {text} used" in render_text(report(tmp_path))[0]


def test_pace_line(tmp_path: Path) -> None:
    a = agent_dir(tmp_path, "agent-1")
    write_events(
        a,
        [
            event(NOW - 3600, "s", cost(1.0), windows(20)),
            event(NOW - 60, "s", cost(2.0), windows(39)),
        ],
    )
    text, _ = render_text(report(tmp_path))
    # 19 points in 59 minutes; 61 to go from a minute ago: full in 61 / 19 * 59 min - 1 min.
    assert "5h: 39% used, resets in 3h 20m \u2014 at this pace full in 3h 8m" in text


def test_per_account_windows_when_more_than_one(tmp_path: Path) -> None:
    write_events(
        agent_dir(tmp_path, "agent-1"),
        [event(NOW - 100, "s", cost(1.0), windows(10, 3), account="aaaaaaaaaaaa")],
    )
    write_events(
        agent_dir(tmp_path, "agent-2"),
        [event(NOW - 50, "t", cost(1.0), windows(80), account="bbbbbbbbbbbb", process="p2")],
    )
    text, _ = render_text(report(tmp_path))
    assert "5h (account bbbbbbbbbbbb): 80% used" in text
    assert "5h (account aaaaaaaaaaaa): 10% used" in text
    assert "7d (account aaaaaaaaaaaa): 3% used" in text


def test_reset_phrases_and_no_data_windows(tmp_path: Path) -> None:
    write_events(
        agent_dir(tmp_path, "agent-1"),
        [
            event(
                NOW - 10,
                "s",
                cost(1.0),
                {
                    "five_hour": {"used_percentage": 50, "resets_at": NOW - 3600},
                    "seven_day": {"used_percentage": None, "resets_at": NOW + 60},
                    "spend_limit": None,
                },
            )
        ],
    )
    text, warnings = render_text(report(tmp_path))
    assert "5h: 50% used, reset 1h ago" in text
    assert "7d: no data" in text
    assert "spend_limit" not in text  # neither use nor reset time: not shown
    assert any("already reset" in w for w in warnings)


def test_prometheus_exposition_parses(tmp_path: Path) -> None:
    upstream_example(tmp_path)
    text = render_prometheus(report(tmp_path))
    families = {f.name: f for f in text_string_to_metric_families(text)}
    assert {
        "claude_usage_cost_usd",
        "claude_usage_sessions",
        "claude_usage_window_used_percent",
        "claude_usage_updated_at_seconds",
        "claude_usage_stale",
    } <= set(families)
    costs = {
        (s.labels["mode"], s.labels["agent"]): s.value
        for s in families["claude_usage_cost_usd"].samples
    }
    assert costs == {("subscription", "alpha"): pytest.approx(1.23), ("api_key", "beta"): 2.5}
    used = {
        s.labels["window"]: s.value for s in families["claude_usage_window_used_percent"].samples
    }
    assert used == {"five_hour": 44.0, "seven_day": 13.0}
    for line in text.splitlines():
        assert line.startswith(("# HELP claude_usage_", "# TYPE claude_usage_", "claude_usage_"))


def test_prometheus_escapes_label_values(tmp_path: Path) -> None:
    write_events(
        agent_dir(tmp_path, "agent-1", 'we"ird\\name\nx'), [event(NOW - 10, "s", cost(1.0))]
    )
    families = {
        f.name: f for f in text_string_to_metric_families(render_prometheus(report(tmp_path)))
    }
    (sample,) = families["claude_usage_cost_usd"].samples
    assert sample.labels["agent"] == 'we"ird\\name\nx'


def test_a_window_named_like_a_source_key_does_not_overwrite_it(tmp_path: Path) -> None:
    state = agent_dir(tmp_path, "agent-" + "c" * 32, "gamma")
    odd = {"session_count": {"used_percentage": 5, "resets_at": NOW + 60}}
    write_events(state, [event(NOW - 10, "s-1", cost(1.0), {**windows(44), **odd})])
    (source,) = report_dict(report(tmp_path))["sources"]
    assert source["session_count"] == 1
    assert source["five_hour"]["used_percentage"] == 44
    assert source["accounts"][0]["windows"]["session_count"]["used_percentage"] == 5
