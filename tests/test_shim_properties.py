"""Any stdin (CLAUDE_STATUSLINE.md §8.1), through the real zipapp: exit 0, only the status
line on stdout, and at most one line written, which parses with the envelope's keys."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import event as event_note

from claude_usage.shim import events
from claude_usage.shim.record import should_record
from claude_usage.shim.summary_line import summary_line

from .conftest import run_shim
from .strategies import stdin_bytes


@pytest.fixture(scope="module")
def warm_pyz(pyz_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("props") / "claude_usage.pyz"
    path.write_bytes(pyz_source.read_bytes())
    return path


def _parse(stdin: bytes) -> object:
    try:
        return json.loads(stdin.decode("utf-8"))
    except ValueError:
        return None


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(stdin=stdin_bytes)
def test_any_stdin_is_safe(stdin: bytes, warm_pyz: Path, python: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "agent"
        done = run_shim(
            python, warm_pyz, "statusline", stdin=stdin, env={"MNGR_AGENT_STATE_DIR": str(state)}
        )
        assert done.returncode == 0
        assert done.stderr == b""
        payload = _parse(stdin)
        line = summary_line(payload) if isinstance(payload, dict) else ""
        assert done.stdout == ((line + "\n").encode("utf-8", "replace") if line else b"")
        assert done.stdout.count(b"\n") <= 1
        path = state / "events" / "claude" / "usage" / "events.jsonl"
        written = path.read_bytes().split(b"\n") if path.exists() else [b""]
        assert written[-1] == b""
        lines = written[:-1]
        recorded = should_record(payload)
        event_note("recorded" if recorded else "not recorded")
        assert len(lines) == (1 if recorded else 0)
        for raw in lines:
            event = json.loads(raw)
            assert tuple(event) == events.EVENT_KEYS
            session_id = payload.get("session_id")
            assert event["session_id"] == (None if session_id is False else session_id)
