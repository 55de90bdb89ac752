"""Which events files exist (SPEC §3, §7). I/O only: the rules are in the names it returns.

Under each host dir: `agents/<id>/events/<source>/usage/events.jsonl` for live agents and
`preserved/<name>--<id>[--<host id>]/events/<source>/usage/events.jsonl` for destroyed
ones (upstream's layout). Only regular files are read, never symlinks. Agents are keyed by
(host, agent id): two hosts may reuse an id.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from claude_usage.shim.events import ENV_HOST_DIR

EVENTS_NAME = "events.jsonl"
STANDALONE_NAME = "claude-usage"


@dataclass(frozen=True)
class EventsFile:
    """One events file and whose it is."""

    path: Path
    source: str  # the path between `events/` and `/usage`, e.g. "claude"
    host: str  # the host dir's `host_id`, else the host dir itself
    agent_id: str
    agent_name: str
    preserved: bool = False
    # For a file on another host: read_from(offset) -> (file size, bytes from offset to EOF).
    read_from: Callable[[int], tuple[int, bytes]] | None = field(default=None, compare=False)


def default_host_dirs(environ: dict[str, str] | None = None) -> list[Path]:
    """`$MNGR_HOST_DIR` (else `~/.mngr`), then the standalone state dir (no mngr)."""
    env = os.environ if environ is None else environ
    home = Path(env.get("HOME") or os.path.expanduser("~"))
    mngr = Path(env[ENV_HOST_DIR]) if env.get(ENV_HOST_DIR) else home / ".mngr"
    return [mngr, standalone_host_dir(env)]


def standalone_host_dir(environ: dict[str, str] | None = None) -> Path:
    """Where `claude-usage install` keeps agents without mngr: an mngr-like host dir."""
    env = os.environ if environ is None else environ
    home = Path(env.get("HOME") or os.path.expanduser("~"))
    state = Path(env["XDG_STATE_HOME"]) if env.get("XDG_STATE_HOME") else home / ".local" / "state"
    return state / STANDALONE_NAME


def _is_regular(path: Path) -> bool:
    try:
        return path.is_file() and not path.is_symlink()
    except OSError:
        return False


def _real_dirs(path: Path) -> list[Path]:
    try:
        entries = sorted(os.scandir(path), key=lambda e: e.name)
    except OSError:
        return []
    return [Path(e.path) for e in entries if e.is_dir(follow_symlinks=False)]


def find_sources(events_dir: Path) -> list[tuple[str, Path]]:
    """(source, file) for every `<source>/usage/events.jsonl` below an `events/` dir."""
    found = []
    for root, dirs, files in os.walk(events_dir):  # does not follow symlinked dirs
        dirs.sort()
        if os.path.basename(root) == "usage" and EVENTS_NAME in files:
            source = os.path.relpath(os.path.dirname(root), events_dir)
            path = Path(root) / EVENTS_NAME
            if source not in (".", "") and _is_regular(path):
                found.append((source.replace(os.sep, "/"), path))
    return found


def _read_json(path: Path) -> dict:
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _host_key(host_dir: Path) -> str:
    try:
        host_id = (host_dir / "host_id").read_text().strip()
    except OSError:
        host_id = ""
    return host_id or str(host_dir)


def discover_host_dir(host_dir: Path, include_preserved: bool = True) -> list[EventsFile]:
    """Live agents' files, then preserved ones whose agent has no live events here."""
    host = _host_key(host_dir)
    found = []
    for agent_dir in _real_dirs(host_dir / "agents"):
        record = _read_json(agent_dir / "data.json")
        agent_id = str(record.get("id") or agent_dir.name)
        name = str(record.get("name") or agent_id)
        for source, path in find_sources(agent_dir / "events"):
            found.append(EventsFile(path, source, host, agent_id, name))
    if include_preserved:
        live = {(f.host, f.agent_id) for f in found}
        for archive in preserved_archives(host_dir):
            found.extend(f for f in archive.files if (f.host, f.agent_id) not in live)
    return found


@dataclass(frozen=True)
class PreservedArchive:
    """A destroyed agent's archive: who it was (as mngr's filters see an agent) and its files."""

    identity: dict[str, Any]  # id, name, type, labels, host {id, name, provider}
    files: list[EventsFile]


def preserved_archives(host_dir: Path) -> list[PreservedArchive]:
    """Every archive under `<host_dir>/preserved/` that holds events files."""
    local_host = _host_key(host_dir)
    archives = [_preserved(archive, local_host) for archive in _real_dirs(host_dir / "preserved")]
    return [archive for archive in archives if archive.files]


def _preserved(archive: Path, local_host: str) -> PreservedArchive:
    # `<name>--<agent id>[--<host id>]`; data.json and manifest.json (mngr's, with the
    # agent's identity and origin host), when present, say more.
    parts = archive.name.split("--")
    record = _read_json(archive / "data.json")
    identity = _read_json(archive / "manifest.json").get("identity") or {}
    legacy_meta = _read_json(archive / "mngr_usage_meta.json")
    agent_id = str(
        identity.get("agent_id")
        or record.get("id")
        or (parts[1] if len(parts) > 1 else archive.name)
    )
    name = str(identity.get("agent_name") or record.get("name") or parts[0])
    host = str(
        identity.get("host_id")
        or legacy_meta.get("host_id")
        or (parts[2] if len(parts) > 2 else local_host)
    )
    files = [
        EventsFile(path, source, host, agent_id, name, preserved=True)
        for source, path in find_sources(archive / "events")
    ]
    who = {
        "id": agent_id,
        "name": name,
        "type": identity.get("agent_type") or record.get("type"),
        "labels": identity.get("labels") or record.get("labels") or {},
        "host": {
            "id": host,
            "name": identity.get("host_name") or legacy_meta.get("host_name"),
            "provider": identity.get("provider_name") or legacy_meta.get("provider_name"),
        },
    }
    return PreservedArchive(who, files)


def discover_paths(paths: list[Path]) -> list[EventsFile]:
    """Files given with `--events`: a file, or a folder searched for `events.jsonl` files."""
    found = []
    for given in paths:
        if given.is_dir():
            files = sorted(p for p in given.rglob(EVENTS_NAME) if _is_regular(p))
        else:
            files = [given] if _is_regular(given) else []
        for path in files:
            found.append(_describe_loose(path.resolve() if not path.is_absolute() else path))
    return found


def _describe_loose(path: Path) -> EventsFile:
    # Recognise `.../agents/<id>/events/<source>/usage/events.jsonl` where it applies.
    parts = path.parts
    if "events" in parts[:-1] and len(parts) >= 3 and parts[-2] == "usage":
        at = len(parts) - 1 - parts[::-1].index("events")
        source = "/".join(parts[at + 1 : -2]) or "claude"
        agent_dir = Path(*parts[:at])
        record = _read_json(agent_dir / "data.json")
        agent_id = str(record.get("id") or agent_dir.name)
        return EventsFile(path, source, "-", agent_id, str(record.get("name") or agent_id))
    return EventsFile(path, "claude", "-", str(path), path.parent.name or str(path))


def discover(
    host_dirs: list[Path],
    events_paths: list[Path],
    include_preserved: bool = True,
    agents: list[str] | None = None,
    listed: Sequence[EventsFile] = (),
) -> list[EventsFile]:
    """Every events file to read, without duplicates, filtered by agent name or id.

    `listed` are files found another way (mngr's agent listing); they come first.
    """
    found: dict[tuple[str, Path], EventsFile] = {}
    for f in listed:
        found.setdefault(_identity(f), f)
    for host_dir in host_dirs:
        for f in discover_host_dir(host_dir, include_preserved):
            found.setdefault(_identity(f), f)
    for f in discover_paths(events_paths):
        found.setdefault(_identity(f), f)
    files = list(found.values())
    if agents:
        wanted = set(agents)
        files = [f for f in files if f.agent_id in wanted or f.agent_name in wanted]
    return files


def _identity(events_file: EventsFile) -> tuple[str, Path]:
    # A file on another host is its host's; a local one is its real path.
    if events_file.read_from is not None:
        return events_file.host, events_file.path
    return "", events_file.path.resolve()
