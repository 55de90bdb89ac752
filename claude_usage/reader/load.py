"""Read events files into tallies, through the incremental cache (I/O orchestration).

Local files are read in chunks of whole lines, so memory follows the number of sessions,
not the size of the files; files on remote hosts are read from the cached offset on
through a `read_from(offset) -> (file size, bytes)` callable. A line without its `\\n` yet
(a render being written) is left for the next read. A cache entry is resumed only if the
bytes just before its offset are still the ones it saw (event ids are random, so a file
truncated and rewritten differs there) and, for local files, the inode is the same.
Given a callback, the reading reports its progress (`progress.py`) per chunk and per file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from claude_usage.reader.aggregate import FileTally, OutOfOrder, tally_lines, tally_sorted
from claude_usage.reader.cache import ANCHOR_BYTES, CacheEntry, TallyCache
from claude_usage.reader.discover import EventsFile
from claude_usage.reader.parse import iter_lines

if TYPE_CHECKING:
    from claude_usage.reader.progress import OnProgress

CHUNK = 8 << 20
ReadFrom = Callable[[int], tuple[int, bytes]]


def _complete_lines(f: BinaryIO, offset: int) -> Iterator[tuple[bytes, int]]:
    """(chunk of whole lines, offset after it) from `offset` on."""
    f.seek(offset)
    carry = b""
    while True:
        block = f.read(CHUNK)
        if not block:
            return
        data = carry + block
        end = data.rfind(b"\n") + 1
        if end:
            offset += end
            yield data[:end], offset
        carry = data[end:]


def _sorted_tally(data: bytes) -> FileTally:
    # The rare path: a process's readings out of order. Hold the file, sort, fold.
    return tally_sorted(iter_lines(data[: data.rfind(b"\n") + 1]))


def _store(
    cache: TallyCache | None, key: str, where: tuple[int, int, int, bytes], tally: FileTally
) -> None:
    # Without a cache (--no-cache), no state is made at all.
    if cache is not None:
        cache.put(key, CacheEntry(*where, tally.to_state()))


def local_key(path: Path) -> str:
    """The cache key of a local events file: this host and the file's real path."""
    return f"{os.uname().nodename}:{path.resolve()}"


def read_tally(path: Path, cache: TallyCache | None = None, key: str | None = None) -> FileTally:
    """What one local events file says, reading only the bytes the cache has not seen."""
    key = key or local_key(path)
    return _read_local(path, key, cache, cache.get(key) if cache is not None else None)


def _read_local(
    path: Path,
    key: str,
    cache: TallyCache | None,
    entry: CacheEntry | None,
    on_read: Callable[[int], None] | None = None,
) -> FileTally:
    # `entry`: what the cache holds for `key`, fetched by the caller (once).
    with path.open("rb") as f:
        st = os.fstat(f.fileno())
        if (
            entry is not None
            and (entry.dev, entry.ino) == (st.st_dev, st.st_ino)
            and st.st_size >= entry.offset
        ):
            f.seek(entry.offset - len(entry.anchor))
            if f.read(len(entry.anchor)) != entry.anchor:
                entry = None
        else:
            entry = None
        if entry is not None and entry.offset == st.st_size:
            return FileTally.from_state(entry.state)
        tally = FileTally.from_state(entry.state) if entry is not None else FileTally()
        offset = entry.offset if entry is not None else 0
        try:
            for chunk, end in _complete_lines(f, offset):
                tally_lines(chunk, tally)
                if on_read is not None:
                    on_read(end - offset)
                offset = end
        except OutOfOrder:
            f.seek(0)
            data = f.read()
            tally, offset = _sorted_tally(data), data.rfind(b"\n") + 1
        f.seek(max(0, offset - ANCHOR_BYTES))
        anchor = f.read(offset - max(0, offset - ANCHOR_BYTES))
    _store(cache, key, (st.st_dev, st.st_ino, offset, anchor), tally)
    return tally


def read_tally_from(
    read_from: ReadFrom,
    key: str,
    cache: TallyCache | None = None,
    on_read: Callable[[int], None] | None = None,
) -> FileTally:
    """What an events file on another host says, through `read_from`, resuming from the cache.

    `on_read(nbytes)` hears of the bytes each round trip brought.
    """
    entry = cache.get(key) if cache is not None else None
    start = entry.offset - len(entry.anchor) if entry is not None else 0
    size, data = read_from(start)
    if on_read is not None:
        on_read(len(data))
    if entry is not None and size >= entry.offset and data.startswith(entry.anchor):
        tally, base, new = (
            FileTally.from_state(entry.state),
            entry.offset,
            data[len(entry.anchor) :],
        )
    else:
        if start:
            size, data = read_from(0)
            if on_read is not None:
                on_read(len(data))
        tally, base, new = FileTally(), 0, data
    complete = new[: new.rfind(b"\n") + 1]
    try:
        tally_lines(complete, tally)
        offset = base + len(complete)
        anchor = (data[: len(data) - len(new)] + complete)[-ANCHOR_BYTES:]
    except OutOfOrder:
        _, whole = read_from(0)
        tally, offset = _sorted_tally(whole), whole.rfind(b"\n") + 1
        anchor = whole[max(0, offset - ANCHOR_BYTES) : offset]
    _store(cache, key, (0, 0, offset, anchor), tally)
    return tally


class _RemoteError(Exception):
    """Reading through another host failed (its own errors are the host library's)."""


def _read_remote(
    events_file: EventsFile, cache: TallyCache | None, on_read: Callable[[int], None] | None
) -> FileTally:
    key = f"{events_file.host}:{events_file.path}"
    try:
        return read_tally_from(events_file.read_from, key, cache, on_read)  # type: ignore[arg-type]
    except Exception as error:  # a host library's errors: anything from SSH to a missing file
        raise _RemoteError(str(error) or type(error).__name__) from error


def _cached(path: Path, cache: TallyCache | None) -> tuple[str, CacheEntry | None]:
    key = local_key(path)
    return key, cache.get(key) if cache is not None else None


def _unread_bytes(path: Path, entry: CacheEntry | None) -> int:
    # The plan, from one stat: the anchor check waits for the read (a rewritten file
    # then reads more than planned, which the meter absorbs).
    st = os.stat(path)
    if entry is not None and (entry.dev, entry.ino) == (st.st_dev, st.st_ino):
        return max(0, st.st_size - entry.offset)
    return st.st_size


def read_tallies(
    files: list[EventsFile],
    cache: TallyCache | None = None,
    on_progress: OnProgress | None = None,
) -> tuple[list[tuple[EventsFile, FileTally]], list[str]]:
    """Each readable file with its tally, and a warning for each file that could not be read.

    With `on_progress`, the bytes still to read are planned first (a stat per local file;
    its cache entry is fetched then, not again) and each chunk and file is reported.
    """
    resume: list[tuple[str, CacheEntry | None] | None] = [None] * len(files)
    planned = [0] * len(files)
    meter = None
    if on_progress is not None:
        from claude_usage.reader.progress import ProgressMeter  # only on a terminal

        for i, events_file in enumerate(files):
            if events_file.read_from is None:
                try:
                    key, entry = resume[i] = _cached(events_file.path, cache)
                    planned[i] = _unread_bytes(events_file.path, entry)
                except OSError:  # the read says so, with the file's warning
                    pass
        remote = any(events_file.read_from is not None for events_file in files)
        meter = ProgressMeter(on_progress, planned, remote)
    on_read = meter.read if meter is not None else None
    out, problems = [], []
    for events_file, known, plan in zip(files, resume, planned, strict=True):
        if meter is not None:
            meter.begin(events_file, plan)
        try:
            if events_file.read_from is None:
                key, entry = known or _cached(events_file.path, cache)
                tally = _read_local(events_file.path, key, cache, entry, on_read)
            else:
                tally = _read_remote(events_file, cache, on_read)
        except (OSError, _RemoteError) as error:  # one unreadable file must not hide the others
            problems.append(f"cannot read {events_file.path} ({events_file.agent_name}): {error}")
            continue
        finally:
            if meter is not None:
                meter.end()
        out.append((events_file, tally))
    return out, problems
