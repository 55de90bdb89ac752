"""The incremental cache: what each events file said up to some offset (I/O).

A second report reads only the bytes appended since the first (`load.py` says when an
entry may be resumed). The cache is safe to delete; a version bump in CACHE_VERSION drops
old entries.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

CACHE_VERSION = 8
# The bytes before the offset that must still be there: the whole last line of our
# writer (about 600 bytes), its random event id included, not only its repeatable tail.
ANCHOR_BYTES = 1024
ENV_CACHE_DIR = "CLAUDE_USAGE_CACHE_DIR"


def default_cache_dir(environ: dict[str, str] | None = None) -> Path:
    """`$CLAUDE_USAGE_CACHE_DIR`, else `$XDG_CACHE_HOME/claude-usage`, else `~/.cache/...`."""
    env = os.environ if environ is None else environ
    if env.get(ENV_CACHE_DIR):
        return Path(env[ENV_CACHE_DIR])
    home = Path(env.get("HOME") or os.path.expanduser("~"))
    base = Path(env["XDG_CACHE_HOME"]) if env.get("XDG_CACHE_HOME") else home / ".cache"
    return base / "claude-usage"


@dataclass
class CacheEntry:
    """What was read of one file: up to `offset`, giving `state` (a FileTally's)."""

    dev: int  # 0 for files read through another host
    ino: int
    offset: int
    anchor: bytes  # the bytes just before `offset`
    state: dict[str, Any]


class TallyCache:
    """One small JSON file per events file, under `<cache dir>/tallies-v<N>/`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory / f"tallies-v{CACHE_VERSION}"

    def _entry_path(self, key: str) -> Path:
        return self.directory / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".json")

    def get(self, key: str) -> CacheEntry | None:
        """The entry for `key` (a file's identity), or None if absent or unreadable."""
        try:
            data = orjson.loads(self._entry_path(key).read_bytes())
            if data.get("key") != key:
                return None
            return CacheEntry(
                data["dev"],
                data["ino"],
                data["offset"],
                bytes.fromhex(data["anchor"]),
                data["state"],
            )
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return None

    def put(self, key: str, entry: CacheEntry) -> None:
        """Store an entry atomically; a cache that cannot be written is no error."""
        record = {
            "key": key,
            "dev": entry.dev,
            "ino": entry.ino,
            "offset": entry.offset,
            "anchor": entry.anchor.hex(),
            "state": entry.state,
        }
        try:
            data = orjson.dumps(record)
        except TypeError:  # a number beyond 64 bits: that file is read whole next time
            return
        path = self._entry_path(key)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp.write_bytes(data)
            tmp.replace(path)
        except OSError:
            tmp.unlink(missing_ok=True)
