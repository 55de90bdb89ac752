"""How far reading the events files has got: the numbers a progress bar shows (no I/O).

The reader calls an `OnProgress` callback at the start, once per chunk (8 MB) and once per
file, never per line. `total_bytes` is what is still to read: file sizes less what the cache
already covers, as planned before reading. A plan can fall short (a file grew, or was
rewritten so the cache no longer fits it) and the bytes of a file on another host are known
only once they arrive, so the total grows to cover what was read; a file that gave less
than planned counts as done. Both counts only go up, and at the end `done == total`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from claude_usage.reader.discover import EventsFile


@dataclass(frozen=True)
class ReadProgress:
    """One step of reading: bytes and files done of the totals, and the file being read."""

    done_bytes: int
    total_bytes: int
    files_done: int
    files_total: int
    remote: bool  # some file is read through another host (a round trip each)
    current: EventsFile | None  # None before the first file and after the last


OnProgress = Callable[[ReadProgress], None]


class ProgressMeter:
    """Counts what was read against the plan and tells `on_progress` each step."""

    def __init__(self, on_progress: OnProgress, planned: list[int], remote: bool) -> None:
        self._on_progress = on_progress
        self._remote = remote
        self._files_total = len(planned)
        self._total = sum(planned)
        self._done = 0
        self._files_done = 0
        self._file_planned = 0
        self._file_done = 0
        self._current: EventsFile | None = None
        self._emit()

    def _emit(self) -> None:
        self._on_progress(
            ReadProgress(
                self._done,
                self._total,
                self._files_done,
                self._files_total,
                self._remote,
                self._current,
            )
        )

    def begin(self, events_file: EventsFile, planned: int) -> None:
        """A file is about to be read; `planned` of the total are its bytes."""
        self._current, self._file_planned, self._file_done = events_file, planned, 0
        self._emit()

    def read(self, nbytes: int) -> None:
        """`nbytes` more of the current file were read."""
        self._done += nbytes
        self._file_done += nbytes
        if self._file_done > self._file_planned:
            self._total += self._file_done - self._file_planned
            self._file_planned = self._file_done
        self._emit()

    def end(self) -> None:
        """The current file is done (read, or found unreadable)."""
        self._done += self._file_planned - self._file_done
        self._files_done += 1
        self._current = None
        self._emit()
