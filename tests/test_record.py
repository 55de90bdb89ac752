"""Payload -> event line: which renders are recorded and what a line holds (SPEC §4)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given

from claude_usage.shim import events
from claude_usage.shim.record import auth_env_names, event_body, event_head, should_record

from .conftest import PAYLOADS
from .strategies import payload_objects

HEAD = event_head("ab" * 16, "2026-12-03T11:40:00.123456789Z")


def line_for(payload: dict, **facts: object) -> str:
    body = event_body(
        payload,
        facts.get("host", "vm"),
        facts.get("process", "linux:abcd1234:42:100"),
        facts.get("auth_env", []),
        facts.get("account"),
    )
    return HEAD + body


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        pytest.param({"cost": {}}, True, id="empty-cost-object"),
        pytest.param({"cost": 0}, True, id="zero-cost"),
        pytest.param({"rate_limits": {}}, True, id="empty-rate-limits"),
        pytest.param({"cost": None, "rate_limits": None}, False, id="both-null"),
        pytest.param({"cost": False}, False, id="false-is-like-null"),
        pytest.param({"session_id": "s"}, False, id="neither"),
        pytest.param([{"cost": 1}], False, id="not-an-object"),
        pytest.param(None, False, id="null-payload"),
    ],
)
def test_should_record(payload: object, expected: bool) -> None:
    assert should_record(payload) is expected


RECORDED = [p for p in PAYLOADS if should_record(json.loads(p.read_text()))]


def test_only_the_payload_without_cost_or_rate_limits_is_not_recorded() -> None:
    assert {p.stem for p in PAYLOADS} - {p.stem for p in RECORDED} == {
        "constructed-v1.0.72-earliest-minimal"
    }


@pytest.mark.parametrize("path", RECORDED, ids=[p.stem for p in RECORDED])
def test_real_payloads_give_upstream_compatible_lines(path) -> None:
    payload = json.loads(path.read_text())
    line = line_for(payload)
    event = json.loads(line)
    assert tuple(event) == events.EVENT_KEYS
    assert event["source"] == "claude/usage" and event["type"] == "cost_snapshot"
    assert event["session_id"] == payload["session_id"]
    assert event["cost"] == payload.get("cost")
    assert event["rate_limits"] == events.decorate_rate_limits(payload.get("rate_limits"))
    assert event["claude_version"] == payload.get("version")
    assert event["model"] == payload["model"].get("id")
    assert line.isascii()


def test_nothing_but_the_listed_fields_is_kept() -> None:
    payload = json.loads(
        (PAYLOADS[0].parent / "constructed-unicode-paths-and-unknown-keys.json").read_text()
    )
    line = line_for(payload)
    for private in (payload["cwd"], payload["transcript_path"], payload["session_name"], "scratch"):
        assert json.dumps(private, ensure_ascii=True)[1:-1] not in line
    assert "future_top_level_field" not in line and "workspace" not in line


@pytest.mark.parametrize(
    ("payload", "key", "expected"),
    [
        pytest.param(
            {"cost": {"a": 1}, "session_id": False}, "session_id", None, id="false-session"
        ),
        pytest.param({"cost": {"a": 1}}, "session_id", None, id="absent-session"),
        pytest.param({"cost": {"a": 1}, "session_id": 7}, "session_id", 7, id="session-unchanged"),
        pytest.param({"rate_limits": {}}, "cost", None, id="absent-cost-null"),
        pytest.param({"cost": {"t": 1e400}}, "cost", {"t": None}, id="overflow-to-null"),
        pytest.param({"cost": 1, "model": "opus"}, "model", None, id="model-not-object"),
        pytest.param({"cost": 1, "model": {"id": 5}}, "model", None, id="model-id-not-string"),
        pytest.param({"cost": 1, "version": 2}, "claude_version", None, id="version-not-string"),
    ],
)
def test_field_rules(payload: dict, key: str, expected: object) -> None:
    assert json.loads(line_for(payload))[key] == expected


def test_host_facts_are_recorded() -> None:
    event = json.loads(
        line_for(
            {"cost": {}},
            host="box",
            process="ppid:7",
            auth_env=["ANTHROPIC_API_KEY"],
            account="0123456789ab",
        )
    )
    assert (event["schema"], event["host"], event["process"]) == (1, "box", "ppid:7")
    assert event["auth"] == {"env": ["ANTHROPIC_API_KEY"]}
    assert event["account"] == "0123456789ab"


def test_auth_evidence_is_names_of_non_empty_variables_only() -> None:
    environ = {
        b"ANTHROPIC_API_KEY": b"sk-secret",
        b"CLAUDE_CODE_USE_BEDROCK": b"",
        b"ANTHROPIC_BASE_URL": b"https://gw",
        b"OTHER": b"x",
    }
    assert auth_env_names(environ) == ["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"]


@given(payload_objects)
def test_any_payload_gives_one_valid_ascii_line(payload: dict) -> None:
    if not should_record(payload):
        return
    line = line_for(payload)
    assert line.isascii() and "\n" not in line
    event = json.loads(line)
    assert tuple(event) == events.EVENT_KEYS
    assert line[events.BODY_OFFSET :] == event_body(
        payload, "vm", "linux:abcd1234:42:100", [], None
    )
    rate_limits = event["rate_limits"]
    if isinstance(rate_limits, dict):
        for key, window in rate_limits.items():
            if isinstance(window, dict):
                assert window["label"] == events.WINDOW_LABELS.get(key, key)
                assert ("window_seconds" in window) == (key in events.WINDOW_SECONDS) or (
                    "window_seconds" in (payload["rate_limits"][key] or {})
                )
