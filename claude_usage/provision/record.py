"""The install record: what the settings file held before install, and what install wrote.

Kept beside the sidecar (0600). Re-install captures the user's status line from the
file as it was, not from our own line (so the sidecar stays the same), and uninstall
puts the file back byte for byte when nothing else changed since.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Record:
    """One settings file: its text before install (None: no file) and the text we wrote."""

    settings: Path
    original: str | None
    written: str


def parse_record(text: str | None, settings: Path | None = None) -> Record | None:
    """The record in `text`; None if missing, damaged, or not for `settings` (when given)."""
    try:
        value = json.loads(text) if text else None
    except json.JSONDecodeError:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("settings"), str):
        return None
    if settings is not None and value["settings"] != str(settings):
        return None
    original, written = value.get("original"), value.get("written")
    if not (original is None or isinstance(original, str)) or not isinstance(written, str):
        return None
    return Record(Path(value["settings"]), original, written)


def dump_record(record: Record) -> str:
    """The record as JSON text."""
    value = {
        "settings": str(record.settings),
        "original": record.original,
        "written": record.written,
    }
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
