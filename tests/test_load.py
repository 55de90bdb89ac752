"""Reading files through the incremental cache: only new bytes, and never a stale answer."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claude_usage.reader import load
from claude_usage.reader.cache import CacheEntry, TallyCache
from claude_usage.reader.load import read_tally

from .plant import NOW, cost, event, windows


def costs(tally) -> dict:
    return {sid: c[0] for p in tally.processes.values() for sid, c in p.session_costs().items()}


def append(path: Path, *events: dict, raw: bytes = b"") -> None:
    with path.open("ab") as f:
        for e in events:
            f.write(json.dumps(e).encode() + b"\n")
        f.write(raw)


@pytest.fixture
def events_path(tmp_path: Path) -> Path:
    path = tmp_path / "events.jsonl"
    append(path, event(NOW - 100, "a", cost(1.0), windows(10)), event(NOW - 90, "a", cost(2.0)))
    return path


@pytest.fixture
def cache(tmp_path: Path) -> TallyCache:
    return TallyCache(tmp_path / "cache")


def test_second_read_parses_only_new_bytes(
    events_path: Path, cache: TallyCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert costs(read_tally(events_path, cache)) == {"a": 2.0}
    append(events_path, event(NOW - 80, "b", cost(2.5)))
    seen: list[bytes] = []
    real = load.tally_lines
    monkeypatch.setattr(
        load, "tally_lines", lambda data, tally: (seen.append(data), real(data, tally))[1]
    )
    assert costs(read_tally(events_path, cache)) == {"a": 2.0, "b": 0.5}
    assert len(seen) == 1 and seen[0].count(b"\n") == 1 and b'"b"' in seen[0]
    seen.clear()
    assert costs(read_tally(events_path, cache)) == {"a": 2.0, "b": 0.5}
    assert seen == []  # nothing new: nothing parsed


def test_a_line_still_being_written_waits(events_path: Path, cache: TallyCache) -> None:
    line = json.dumps(event(NOW - 80, "b", cost(3.0))).encode()
    append(events_path, raw=line[:40])
    assert costs(read_tally(events_path, cache)) == {"a": 2.0}
    append(events_path, raw=line[40:] + b"\n")
    assert costs(read_tally(events_path, cache)) == {"a": 2.0, "b": 1.0}


def test_truncated_file_is_read_again(events_path: Path, cache: TallyCache) -> None:
    read_tally(events_path, cache)
    events_path.write_bytes(b"")
    append(events_path, event(NOW - 50, "c", cost(0.25)))
    assert costs(read_tally(events_path, cache)) == {"c": 0.25}


def test_replaced_file_is_read_again(events_path: Path, cache: TallyCache, tmp_path: Path) -> None:
    read_tally(events_path, cache)
    new = tmp_path / "new.jsonl"
    append(
        new,
        event(NOW - 100, "x", cost(9.0)),
        event(NOW - 90, "x", cost(9.5)),
        event(NOW - 80, "x", cost(9.75)),
    )
    os.replace(new, events_path)  # a new inode, longer than before
    assert costs(read_tally(events_path, cache)) == {"x": 9.75}


def test_rewritten_in_place_with_other_events(events_path: Path, cache: TallyCache) -> None:
    read_tally(events_path, cache)
    with events_path.open("r+b") as f:  # same inode, same size or more, different start
        f.truncate(0)
    append(
        events_path,
        event(NOW - 100, "y", cost(4.0)),
        event(NOW - 90, "y", cost(5.0)),
        event(NOW - 80, "y", cost(6.0)),
    )
    assert costs(read_tally(events_path, cache)) == {"y": 6.0}


def test_rewritten_in_place_with_the_same_last_line_but_a_new_event(
    tmp_path: Path, cache: TallyCache
) -> None:
    """Everything in a line after its event id and timestamp (costs, windows, process) can
    repeat; the check must reach back to the last line's event id."""
    path = tmp_path / "events.jsonl"
    last = event(NOW - 90, "a", cost(2.0), windows(10))
    append(path, event(NOW - 100, "a", cost(1.0), windows(10)), last)
    read_tally(path, cache)
    size = path.stat().st_size
    rewritten = {**last, "event_id": "evt-" + "f" * 32}
    with path.open("r+b") as f:  # same inode and size: another writer's history
        f.truncate(0)
    append(path, event(NOW - 100, "b", cost(1.0), windows(10)), rewritten)
    assert path.stat().st_size == size  # as long as before
    assert costs(read_tally(path, cache)) == {"b": 1.0, "a": 1.0}
    append(path, event(NOW - 80, "a", cost(3.0)))
    assert costs(read_tally(path, cache)) == {"b": 1.0, "a": 2.0}


def test_out_of_order_appends_fall_back_to_sorted(events_path: Path, cache: TallyCache) -> None:
    read_tally(events_path, cache)
    append(events_path, event(NOW - 95, "a", cost(1.5)))  # older than the last reading
    assert costs(read_tally(events_path, cache)) == {"a": 2.0}


def test_deleting_or_damaging_the_cache_is_safe(events_path: Path, cache: TallyCache) -> None:
    read_tally(events_path, cache)
    for entry in cache.directory.iterdir():
        entry.write_text("{not json")
    assert costs(read_tally(events_path, cache)) == {"a": 2.0}
    for entry in cache.directory.iterdir():
        entry.unlink()
    assert costs(read_tally(events_path, cache)) == {"a": 2.0}


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(1, 6), min_size=1, max_size=6))
def test_reading_in_steps_equals_reading_once(tmp_path: Path, steps: list[int]) -> None:
    path = tmp_path / f"steps-{len(steps)}-{sum(steps)}.jsonl"
    path.unlink(missing_ok=True)
    cache = TallyCache(tmp_path / f"cache-{os.urandom(4).hex()}")
    at, usd = NOW - 1000, 0.0
    for count in steps:
        batch = []
        for _ in range(count):
            at, usd = at + 7, usd + 0.125
            batch.append(
                event(
                    at, "s" if usd < 1 else "t", cost(usd, int(usd * 1000)), windows(int(usd * 10))
                )
            )
        append(path, *batch)
        stepwise = read_tally(path, cache)
    once = read_tally(path, None)
    assert costs(stepwise) == costs(once)
    assert stepwise.to_state() == once.to_state()


def test_a_state_beyond_64_bit_numbers_is_not_cached(tmp_path: Path) -> None:
    # The standard parser (the fallback for lines orjson refuses) keeps huge integers,
    # which orjson cannot write: that file is simply read whole next time.
    cache = TallyCache(tmp_path / "cache")
    cache.put("k", CacheEntry(0, 0, 10, b"x", {"prev": [2**70]}))
    assert cache.get("k") is None and not any((tmp_path / "cache").rglob("*.json"))
