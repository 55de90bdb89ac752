"""The one write: O_APPEND | O_NOFOLLOW, torn-line guard, write-on-change, modes."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from claude_usage.shim import events
from claude_usage.shim.append import append_event, is_repeat
from claude_usage.shim.record import event_head

BODY = b'"session_id":"s","cost":{"total_cost_usd":1.0}}'
OTHER_BODY = b'"session_id":"s","cost":{"total_cost_usd":2.0}}'


def head(ts: str = "2026-12-03T11:40:00.000000000Z", event_id: str = "0" * 32) -> bytes:
    return event_head(event_id, ts).encode()


def line(ts: str, body: bytes = BODY) -> bytes:
    return head(ts) + body + b"\n"


@pytest.mark.parametrize(
    ("tail", "body", "fresh_after", "expected"),
    [
        pytest.param(
            line("2026-12-03T11:40:00.000000000Z"),
            BODY,
            b"2026-12-03T11:39:00.000000000Z",
            True,
            id="same-and-fresh",
        ),
        pytest.param(
            line("2026-12-03T11:40:00.000000000Z"),
            BODY,
            b"2026-12-03T11:40:00.000000000Z",
            True,
            id="exactly-at-heartbeat",
        ),
        pytest.param(
            line("2026-12-03T11:38:59.999999999Z"),
            BODY,
            b"2026-12-03T11:39:00.000000000Z",
            False,
            id="heartbeat-due",
        ),
        pytest.param(
            line("2026-12-03T11:40:00.000000000Z"),
            OTHER_BODY,
            b"2026-12-03T11:39:00.000000000Z",
            False,
            id="changed",
        ),
        pytest.param(
            line("2026-12-03T11:30:00.000000000Z", OTHER_BODY)
            + line("2026-12-03T11:40:00.000000000Z"),
            BODY,
            b"2026-12-03T11:39:00.000000000Z",
            True,
            id="only-last-line-counts",
        ),
        pytest.param(
            line("2026-12-03T11:40:00.000000000Z")
            + line("2026-12-03T11:40:00.000000000Z", OTHER_BODY),
            BODY,
            b"2026-12-03T11:39:00.000000000Z",
            False,
            id="older-match-ignored",
        ),
        pytest.param(
            b'{"source":"claude/usage","type":"x"}\n',
            BODY,
            b"2026-12-03T11:39:00.000000000Z",
            False,
            id="foreign-line",
        ),
        pytest.param(b"\n", BODY, b"2026-12-03T11:39:00.000000000Z", False, id="blank-last-line"),
    ],
)
def test_is_repeat(tail: bytes, body: bytes, fresh_after: bytes, expected: bool) -> None:
    assert is_repeat(tail, body, fresh_after) is expected


def test_creates_dirs_0700_and_file_0600(tmp_path: Path) -> None:
    path = tmp_path / "agent" / "events" / "claude" / "usage" / "events.jsonl"
    old_umask = os.umask(0)
    try:
        assert append_event(bytes(path), head(), BODY, b"0")
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for directory in (path.parent, path.parent.parent, tmp_path / "agent"):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert path.read_bytes() == head() + BODY + b"\n"


def test_torn_last_line_is_never_glued(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(line("2026-12-03T11:00:00.000000000Z") + b'{"source":"claude/usage","ty')
    assert append_event(bytes(path), head(), BODY, b"9999")
    lines = path.read_bytes().split(b"\n")
    assert lines[1] == b'{"source":"claude/usage","ty'
    assert json.loads(lines[2])["cost"] == {"total_cost_usd": 1.0}
    assert lines[3] == b""


def test_write_on_change_skips_a_fresh_repeat_and_keeps_the_heartbeat(tmp_path: Path) -> None:
    path = bytes(tmp_path / "events.jsonl")
    assert append_event(path, head("2026-12-03T11:40:00.000000000Z"), BODY, b"2026-12-03T11:39:00")
    assert not append_event(
        path, head("2026-12-03T11:40:30.000000000Z"), BODY, b"2026-12-03T11:39:30"
    )
    assert append_event(
        path, head("2026-12-03T11:40:30.000000000Z"), OTHER_BODY, b"2026-12-03T11:39:30"
    )
    assert append_event(
        path, head("2026-12-03T11:42:00.000000000Z"), OTHER_BODY, b"2026-12-03T11:41:00.1"
    )
    assert len(Path(path.decode()).read_bytes().splitlines()) == 3


def test_symlinked_events_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.jsonl"
    target.write_bytes(b"")
    link = tmp_path / "events.jsonl"
    link.symlink_to(target)
    with pytest.raises(OSError):
        append_event(bytes(link), head(), BODY, b"0")
    assert target.read_bytes() == b""


def test_a_long_last_line_is_not_mistaken_for_a_repeat(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    long_body = b'"session_id":"' + b"x" * 20000 + b'"}'
    path.write_bytes(line("2026-12-03T11:40:00.000000000Z", long_body))
    assert append_event(bytes(path), head(), long_body, b"0")
    assert len(path.read_bytes().splitlines()) == 2


def test_a_line_is_exactly_head_body_and_newline(tmp_path: Path) -> None:
    # That it goes out in one write() is test_shim_process.py's (it counts the calls).
    path = tmp_path / "e.jsonl"
    append_event(bytes(path), head(), BODY, b"0")
    append_event(bytes(path), head(event_id="1" * 32), OTHER_BODY, b"0")
    assert path.read_bytes() == head() + BODY + b"\n" + head(event_id="1" * 32) + OTHER_BODY + b"\n"
    assert len(head()) == events.BODY_OFFSET
