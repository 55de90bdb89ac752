"""Many writers, one file: no line lost, torn or glued (SPEC §9 reliability)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from .conftest import events_file

# One writer process: wait for the start signal, then record RENDERS renders through the
# zipapp's own code (imported from the archive), each with a new cost so each is written.
WRITER = """
import sys, time, posix
sys.path.insert(0, sys.argv[1])
from claude_usage.shim.statusline import record_event
writer, renders = int(sys.argv[2]), int(sys.argv[3])
events_path, start = sys.argv[4].encode(), sys.argv[5]
while True:
    try:
        posix.stat(start)
        break
    except OSError:
        time.sleep(0.001)
for seq in range(renders):
    payload = {
        "session_id": "writer-%d" % writer,
        "cost": {"total_cost_usd": seq, "total_lines_added": writer},
        "rate_limits": {"five_hour": {"used_percentage": seq % 100, "resets_at": 1796310000}},
    }
    assert record_event(payload, events_path, 60.0)
"""


def _start_writers(
    python: str, pyz: Path, count: int, renders: int, path: Path, start: Path
) -> list:
    return [
        subprocess.Popen(
            [
                python,
                "-I",
                "-S",
                "-c",
                WRITER,
                str(pyz),
                str(w),
                str(renders),
                str(path),
                str(start),
            ]
        )
        for w in range(count)
    ]


@pytest.mark.slow
def test_32_writers_500_renders_each(
    python: str, pyz: Path, state_dir: Path, tmp_path: Path
) -> None:
    path = events_file(state_dir)
    start = tmp_path / "go"
    writers = _start_writers(python, pyz, 32, 500, path, start)
    time.sleep(0.5)
    start.touch()
    assert [w.wait(timeout=300) for w in writers] == [0] * 32
    raw = path.read_bytes()
    assert raw.endswith(b"\n")
    lines = raw.split(b"\n")[:-1]
    assert len(lines) == 32 * 500
    seen = Counter()
    event_ids = set()
    for line in lines:
        event = json.loads(line)  # every line intact
        seen[(event["session_id"], event["cost"]["total_cost_usd"])] += 1
        event_ids.add(event["event_id"])
    assert set(seen.values()) == {1}  # each render present exactly once
    assert set(seen) == {(f"writer-{w}", s) for w in range(32) for s in range(500)}
    assert len(event_ids) == 32 * 500


@pytest.mark.slow
def test_writers_killed_mid_stream_cost_at_most_their_own_line(
    python: str, pyz: Path, state_dir: Path, tmp_path: Path
) -> None:
    path = events_file(state_dir)
    start = tmp_path / "go"
    writers = _start_writers(python, pyz, 8, 3000, path, start)
    time.sleep(0.5)
    start.touch()
    time.sleep(0.3)
    killed = writers[:4]
    for w in killed:
        w.send_signal(signal.SIGKILL)
    assert [w.wait(timeout=300) for w in writers[4:]] == [0] * 4
    for w in killed:
        w.wait(timeout=30)
    lines = [line for line in path.read_bytes().split(b"\n") if line]
    broken = []
    per_writer = Counter()
    for line in lines:
        try:
            event = json.loads(line)
        except ValueError:
            broken.append(line)
            continue
        per_writer[event["session_id"]] += 1
    assert len(broken) <= len(killed)
    for w in range(4, 8):  # the survivors lost nothing
        assert per_writer[f"writer-{w}"] == 3000
    assert sum(per_writer.values()) + len(broken) == len(lines)
    assert sys.platform != "linux" or all(b"}{" not in line for line in lines)  # nothing glued
    assert os.path.getsize(path) > 0
