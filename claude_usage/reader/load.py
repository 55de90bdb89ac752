"""Read events files into tallies, through the incremental cache (I/O orchestration).

Files are read in chunks of whole lines, so memory follows the number of sessions, not
the size of the files. A line without its `\\n` yet (a render being written) is left for
the next read.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from claude_usage.reader.aggregate import FileTally, OutOfOrder, tally_lines, tally_sorted
from claude_usage.reader.cache import HEAD_BYTES, CacheEntry, TallyCache
from claude_usage.reader.discover import EventsFile
from claude_usage.reader.parse import iter_lines

CHUNK = 8 << 20


def _complete_lines(f, offset: int) -> Iterable[tuple[bytes, int]]:
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


def _read_all_sorted(path: Path) -> tuple[FileTally, int]:
    # The rare path: a process's readings out of order. Hold the whole file, sort, fold.
    objs: list[object] = []
    offset = 0
    with path.open("rb") as f:
        for chunk, end in _complete_lines(f, 0):
            objs.extend(iter_lines(chunk))
            offset = end
    return tally_sorted(objs), offset


def read_tally(path: Path, cache: TallyCache | None = None) -> FileTally:
    """What one events file says, reading only the bytes the cache has not seen."""
    with path.open("rb") as f:
        st = os.fstat(f.fileno())
        head = f.read(HEAD_BYTES)
        key = f"{os.uname().nodename}:{path.resolve()}"
        entry = cache.get(key) if cache is not None else None
        usable = (
            entry is not None
            and (entry.dev, entry.ino) == (st.st_dev, st.st_ino)
            and st.st_size >= entry.offset
            and head.startswith(entry.head)
        )
        if usable and entry.offset == st.st_size:
            return FileTally.from_state(entry.state)
        tally = FileTally.from_state(entry.state) if usable else FileTally()
        offset = entry.offset if usable else 0
        try:
            for chunk, end in _complete_lines(f, offset):
                tally_lines(chunk, tally)
                offset = end
        except OutOfOrder:
            tally, offset = _read_all_sorted(path)
    if cache is not None:
        cache.put(key, CacheEntry(st.st_dev, st.st_ino, offset, head[:offset], tally.to_state()))
    return tally


def read_tallies(
    files: list[EventsFile], cache: TallyCache | None = None
) -> tuple[list[tuple[EventsFile, FileTally]], list[str]]:
    """Each readable file with its tally, and a warning for each file that could not be read."""
    out, problems = [], []
    for events_file in files:
        try:
            out.append((events_file, read_tally(events_file.path, cache)))
        except OSError as error:
            problems.append(f"cannot read {events_file.path}: {error.strerror or error}")
    return out, problems
