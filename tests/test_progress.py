"""Reading progress: the callback's steps (local and remote files), and when a bar shows."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from claude_usage.cli.progress import (
    SHOW_ABOVE_BYTES,
    amounts,
    describe,
    shows_bar,
    stderr_shows_progress,
)
from claude_usage.reader import load
from claude_usage.reader.cache import TallyCache
from claude_usage.reader.discover import EventsFile
from claude_usage.reader.load import read_tallies
from claude_usage.reader.progress import ReadProgress

from .plant import NOW, cost, event, windows


def lines(n: int, session: str, start: float = NOW - 5000, usd: float = 0.01) -> bytes:
    return b"".join(
        json.dumps(event(start + i, session, cost(usd * (i + 1)), windows(i % 100))).encode()
        + b"\n"
        for i in range(n)
    )


def local(path: Path, data: bytes, name: str = "alpha") -> EventsFile:
    path.write_bytes(data)
    return EventsFile(path, "claude", "/host", "agent-1", name)


def remote(data: bytearray, name: str = "beta", host: str = "box") -> EventsFile:
    def read_from(offset: int) -> tuple[int, bytes]:
        return len(data), bytes(data[offset:])

    path = Path("/remote/events.jsonl")
    return EventsFile(path, "claude", host, "agent-2", name, read_from=read_from)


def assert_well_formed(steps: list[ReadProgress]) -> None:
    for field in ("done_bytes", "total_bytes", "files_done"):
        values = [getattr(step, field) for step in steps]
        assert values == sorted(values), field  # never goes back
    assert all(step.done_bytes <= step.total_bytes for step in steps)
    last = steps[-1]
    assert (last.done_bytes, last.files_done, last.current) == (
        last.total_bytes,
        last.files_total,
        None,
    )


def test_steps_over_a_local_and_a_remote_file(tmp_path: Path) -> None:
    local_data, remote_data = lines(40, "a"), bytearray(lines(30, "b"))
    files = [local(tmp_path / "a.jsonl", local_data), remote(remote_data)]
    steps: list[ReadProgress] = []
    tallies, problems = read_tallies(files, TallyCache(tmp_path / "cache"), steps.append)
    assert problems == [] and len(tallies) == 2
    assert_well_formed(steps)
    # Planned up front: the local file's bytes; the remote one's arrive with it.
    assert (steps[0].done_bytes, steps[0].total_bytes, steps[0].files_total) == (
        0,
        len(local_data),
        2,
    )
    assert steps[-1].total_bytes == len(local_data) + len(remote_data)
    assert all(step.remote for step in steps)
    assert next(step.current for step in steps if step.current is not None) == files[0]
    assert files[1] in [step.current for step in steps]  # which host and agent is being read


def test_a_second_read_plans_only_the_new_bytes(tmp_path: Path) -> None:
    cache = TallyCache(tmp_path / "cache")
    path = tmp_path / "a.jsonl"
    files = [local(path, lines(40, "a"))]
    read_tallies(files, cache)
    more = lines(5, "a", NOW - 100)
    with path.open("ab") as f:
        f.write(more)
    steps: list[ReadProgress] = []
    read_tallies(files, cache, steps.append)
    assert_well_formed(steps)
    assert (steps[0].total_bytes, steps[-1].done_bytes) == (len(more), len(more))
    assert not any(step.remote for step in steps)


def test_the_cache_is_read_once_per_file_with_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = TallyCache(tmp_path / "cache")
    files = [local(tmp_path / f"{i}.jsonl", lines(3, f"s{i}"), f"a{i}") for i in range(3)]
    read_tallies(files, cache)
    gets: list[str] = []
    real = cache.get
    monkeypatch.setattr(cache, "get", lambda key: (gets.append(key), real(key))[1])
    steps: list[ReadProgress] = []
    assert len(read_tallies(files, cache, steps.append)[0]) == 3
    assert len(gets) == 3 and len(set(gets)) == 3
    assert [step.total_bytes for step in steps] == [0] * len(steps)  # all cached: nothing to read


def test_a_file_rewritten_behind_the_cache_grows_the_total(tmp_path: Path) -> None:
    cache = TallyCache(tmp_path / "cache")
    path = tmp_path / "a.jsonl"
    files = [local(path, lines(20, "a"))]
    read_tallies(files, cache)
    new = lines(25, "z", usd=0.02)  # same inode, longer: planned 5 lines, read all 25
    with path.open("r+b") as f:
        f.write(new)
    steps: list[ReadProgress] = []
    (tally,) = read_tallies(files, cache, steps.append)[0]
    assert_well_formed(steps)
    assert steps[0].total_bytes < len(new) == steps[-1].total_bytes
    assert tally[1].to_state() == read_tallies(files, None)[0][0][1].to_state()


def test_an_unreadable_file_still_counts_as_done(tmp_path: Path) -> None:
    def failing(offset: int) -> tuple[int, bytes]:
        raise ConnectionError("host went away")

    gone = EventsFile(Path("/r/events.jsonl"), "claude", "box", "a-9", "gamma", read_from=failing)
    files = [gone, local(tmp_path / "a.jsonl", lines(4, "a"))]
    steps: list[ReadProgress] = []
    tallies, problems = read_tallies(files, None, steps.append)
    assert len(tallies) == 1 and "host went away" in problems[0]
    assert_well_formed(steps)


def test_chunks_are_reported_per_chunk_not_per_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = lines(60, "a")
    monkeypatch.setattr(load, "CHUNK", len(data) // 3 + 1)
    steps: list[ReadProgress] = []
    read_tallies([local(tmp_path / "a.jsonl", data)], None, steps.append)
    assert_well_formed(steps)
    # start, file begins, three chunks, file ends
    assert len(steps) == 6 and len({step.done_bytes for step in steps[2:5]}) == 3


def step(total: int, remote: bool = False, current: EventsFile | None = None) -> ReadProgress:
    return ReadProgress(total // 2, total, 1, 4, remote, current)


@pytest.mark.parametrize(
    ("progress", "shown"),
    [
        pytest.param(step(SHOW_ABOVE_BYTES + 1), True, id="more-than-the-threshold"),
        pytest.param(step(SHOW_ABOVE_BYTES), False, id="the-threshold-itself"),
        pytest.param(step(0), False, id="nothing-to-read"),
        pytest.param(step(10, remote=True), True, id="any-remote-file-even-small"),
    ],
)
def test_when_the_bar_shows(progress: ReadProgress, shown: bool) -> None:
    assert shows_bar(progress) is shown


HERE = EventsFile(Path("/h/events.jsonl"), "claude", "/h", "agent-1", "alpha")
THERE = remote(bytearray(), "beta", "gpu-box")


@pytest.mark.parametrize(
    ("progress", "label", "counts"),
    [
        pytest.param(step(6 << 20), "reading events", "3.0/6.0 MiB, 1/4 files", id="start"),
        pytest.param(
            step(6 << 20, current=HERE), "reading alpha", "3.0/6.0 MiB, 1/4 files", id="local"
        ),
        pytest.param(
            step(6 << 20, True, THERE),
            "reading beta on gpu-box",
            "3.0 MiB, 1/4 files",  # remote sizes are unknown ahead: no total bytes
            id="remote",
        ),
    ],
)
def test_what_the_bar_says(progress: ReadProgress, label: str, counts: str) -> None:
    assert (describe(progress), amounts(progress)) == (label, counts)


def test_only_a_real_terminal_that_can_redraw_gets_a_bar(tmp_path: Path) -> None:
    master, slave = os.openpty()
    try:
        with open(slave, "w", closefd=False) as tty, open(tmp_path / "f", "w") as plain:
            assert stderr_shows_progress(tty, {"TERM": "xterm"})
            assert stderr_shows_progress(tty, {})
            assert not stderr_shows_progress(tty, {"TERM": "dumb"})
            assert not stderr_shows_progress(plain, {"TERM": "xterm"})
    finally:
        os.close(master)
        os.close(slave)


def test_a_line_still_being_written_counts_as_done(tmp_path: Path) -> None:
    data = lines(10, "a")
    torn = data + lines(1, "a", NOW - 10)[:50]  # planned whole, read without the torn tail
    steps: list[ReadProgress] = []
    read_tallies([local(tmp_path / "a.jsonl", torn)], None, steps.append)
    assert_well_formed(steps)
    assert steps[-1].done_bytes == len(torn)
