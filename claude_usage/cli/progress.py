"""The progress bar on stderr while a report reads a lot, or reads other hosts.

A reading command wraps its `collect_report` call:

    with progress_on_stderr() as on_progress:
        result, warnings = collect_report(selection, on_progress=on_progress)

`on_progress` is None unless stderr is a terminal (not `TERM=dumb`), so the reader
does no extra work for pipes, files and cron. The bar appears only once the bytes still to
read pass SHOW_ABOVE_BYTES or a file is on another host (each one a round trip), so a small
report prints nothing extra; rich is imported only then. The bar is transient: it is
cleared before the command prints its report. rich honours `NO_COLOR`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from claude_usage.reader.progress import OnProgress, ReadProgress

SHOW_ABOVE_BYTES = 4 << 20  # below this a cold read takes well under a second
_MIB = 1 << 20


def stderr_shows_progress(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """Whether `stream` is a terminal that can redraw a bar in place."""
    try:
        is_tty = stream.isatty()
    except (AttributeError, ValueError):  # a closed or stand-in stream
        return False
    return is_tty and environ.get("TERM") != "dumb"


def shows_bar(step: ReadProgress, threshold: int = SHOW_ABOVE_BYTES) -> bool:
    """Whether a reading this big (or this remote) is worth a bar."""
    return step.remote or step.total_bytes > threshold


def describe(step: ReadProgress) -> str:
    """What is being read: the agent, and its host for a file on another host."""
    current = step.current
    if current is None:
        return "reading events"
    if current.read_from is not None:
        return f"reading {current.agent_name} on {current.host}"
    return f"reading {current.agent_name}"


def amounts(step: ReadProgress) -> str:
    """The counts beside the bar: bytes (of the total, when it is known) and files."""
    files = f"{step.files_done}/{step.files_total} files"
    if step.remote:  # remote sizes are known only once their bytes arrive
        return f"{step.done_bytes / _MIB:.1f} MiB, {files}"
    return f"{step.done_bytes / _MIB:.1f}/{step.total_bytes / _MIB:.1f} MiB, {files}"


def _position(step: ReadProgress) -> tuple[int, int]:
    # Remote files advance the bar by file: their sizes come with their bytes.
    if step.remote:
        return step.files_done, max(step.files_total, 1)
    return step.done_bytes, max(step.total_bytes, 1)


class _LazyBar:
    """A rich bar started at the first step that is worth one."""

    def __init__(self) -> None:
        self._progress: Any = None
        self._task: Any = None

    def update(self, step: ReadProgress) -> None:
        first = self._progress is None
        if first:
            if not shows_bar(step):
                return
            self._create()
        done, total = _position(step)
        self._progress.update(
            self._task,
            completed=done,
            total=total,
            description=describe(step),
            amounts=amounts(step),
        )
        if first:
            self._progress.start()  # after the first update, so its first frame is right

    def _create(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[amounts]}"),
            TimeRemainingColumn(),
            console=Console(file=sys.stderr),
            transient=True,
            redirect_stdout=False,  # stdout carries only the report
            redirect_stderr=False,
        )
        self._task = self._progress.add_task("", amounts="")

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()


@contextmanager
def progress_on_stderr(enabled: bool = True) -> Iterator[OnProgress | None]:
    """A reader callback drawing the bar on a terminal's stderr, else None; clears it after."""
    if not (enabled and stderr_shows_progress(sys.stderr, os.environ)):
        yield None
        return
    bar = _LazyBar()
    try:
        yield bar.update
    finally:
        bar.close()
