"""discover -> read -> report: the reader's one entry point for every command (I/O edge)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from claude_usage.errors import ClaudeUsageError
from claude_usage.reader.cache import TallyCache, default_cache_dir
from claude_usage.reader.discover import EventsFile, default_host_dirs, discover
from claude_usage.reader.load import read_tallies
from claude_usage.reader.report import Report, build_report

if TYPE_CHECKING:
    from claude_usage.reader.progress import OnProgress

ENV_NOW = "CLAUDE_USAGE_NOW"


class ReaderError(ClaudeUsageError):
    """A problem with what the reader was asked to read."""


@dataclass(frozen=True)
class Selection:
    """Which events to read, and the report's time settings."""

    host_dirs: list[Path] = field(default_factory=list)  # empty: the defaults
    events: list[Path] = field(default_factory=list)
    agents: list[str] = field(default_factory=list)
    include_preserved: bool = True
    since_seconds: int = 86400
    stale_after_seconds: int = 300
    use_cache: bool = True
    # The files an agent listing found (mngr's): then only host dirs and events paths
    # given explicitly are added, not the default ones. Kept here so that every tick
    # of watch and wait reads the same agents.
    listed: list[EventsFile] | None = None


def clock(environ: dict[str, str] | None = None) -> int:
    """Now in Unix seconds, or `$CLAUDE_USAGE_NOW` for reproducible reports."""
    env = os.environ if environ is None else environ
    frozen = env.get(ENV_NOW)
    if not frozen:
        import time

        return int(time.time())
    try:
        return int(float(frozen))
    except ValueError:
        raise ReaderError(f"{ENV_NOW}={frozen!r} is not a Unix time in seconds") from None


def find_files(selection: Selection, listed: list[EventsFile] | None = None) -> list[EventsFile]:
    """The events files the selection covers.

    `listed`: files mngr's agent listing found (default: the selection's own); then only
    host dirs and events paths given explicitly are added, not the default ones.
    """
    if listed is None:
        listed = selection.listed
    host_dirs = selection.host_dirs
    if listed is None and not host_dirs and not selection.events:
        host_dirs = default_host_dirs()
    return discover(
        host_dirs, selection.events, selection.include_preserved, selection.agents, listed or []
    )


def unread_events_paths(paths: list[Path]) -> list[str]:
    """A warning for each `--events` path that names nothing the reader reads."""
    out = []
    for path in paths:
        if path.is_symlink():
            out.append(f"skipped {path}: a symlink (only regular files are read)")
        elif not path.exists():
            out.append(f"skipped {path}: no such file or folder")
        elif not (path.is_dir() or path.is_file()):
            out.append(f"skipped {path}: not a regular file")
    return out


def collect_report(
    selection: Selection,
    now: int | None = None,
    listed: list[EventsFile] | None = None,
    on_progress: OnProgress | None = None,
) -> tuple[Report, list[str]]:
    """The report and the warnings (unreadable files, skipped lines) for stderr.

    `on_progress` hears how far reading got (a bar's numbers); the CLI passes one only
    when stderr is a terminal.
    """
    if now is None:
        now = clock()
    files = find_files(selection, listed)
    cache = TallyCache(default_cache_dir()) if selection.use_cache else None
    tallies, warnings = read_tallies(files, cache, on_progress)
    warnings[:0] = unread_events_paths(selection.events)
    for events_file, tally in tallies:
        stats = tally.stats
        if stats.malformed:
            warnings.append(f"skipped {stats.malformed} malformed line(s) in {events_file.path}")
        if stats.no_session:
            warnings.append(
                f"dropped {stats.no_session} event(s) without a session_id in {events_file.path}"
            )
        if stats.no_timestamp:
            warnings.append(
                f"dropped {stats.no_timestamp} event(s) without a valid timestamp "
                f"in {events_file.path}"
            )
    report = build_report(tallies, now, selection.since_seconds, selection.stale_after_seconds)
    return report, warnings
