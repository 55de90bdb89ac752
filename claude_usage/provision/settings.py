"""The settings rules (SPEC §6.2-6.6): pure functions over the texts of settings files.

Claude Code takes `statusLine` whole from the highest-precedence file that sets it
(CLAUDE_STATUSLINE.md §1.2). So the user's own status line is the first one found by
precedence that is not a shim, and the `statusLine` we write keeps that object's other
keys (`padding`, `refreshInterval`): written without them, they would stop applying.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping, Sequence
from typing import Any

from claude_usage.errors import ClaudeUsageError
from claude_usage.shim.command import LAUNCHER, is_shim_command

STATUS_LINE = "statusLine"
ZIPAPP_VERB = "statusline"

__all__ = [
    "STATUS_LINE",
    "SettingsError",
    "dump_settings",
    "is_shim_command",
    "merge_status_line",
    "parse_settings",
    "restore_status_line",
    "runs_shim",
    "shim_command",
    "status_line_command",
    "user_status_line",
]


class SettingsError(ClaudeUsageError):
    """A settings file that is not a JSON object: it is never overwritten."""


def parse_settings(text: str | None, name: str) -> dict[str, Any]:
    """The settings object in `text`: {} for a missing or blank file; else SettingsError."""
    if text is None or not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise SettingsError(
            f"{name} is not valid JSON ({error.msg}, line {error.lineno} column {error.colno}); "
            "it was left as it is: fix it (or move it away) and run again"
        ) from None
    if not isinstance(value, dict):
        raise SettingsError(
            f"{name} holds a JSON {_json_kind(value)}, not an object; "
            "it was left as it is: fix it (or move it away) and run again"
        )
    return value


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    return "null" if value is None else "number"


def dump_settings(settings: Mapping[str, Any]) -> str:
    """Settings as Claude Code writes them: 2-space indent, UTF-8, final newline."""
    return json.dumps(settings, indent=2, ensure_ascii=False) + "\n"


def status_line_command(settings: Mapping[str, Any]) -> str | None:
    """`statusLine.command` if it is a non-blank string, else None."""
    status_line = settings.get(STATUS_LINE)
    if not isinstance(status_line, dict):
        return None
    command = status_line.get("command")
    return command if isinstance(command, str) and command.strip() else None


def runs_shim(settings: Mapping[str, Any]) -> bool:
    """True if the settings' status line runs a usage shim (ours or upstream's)."""
    command = status_line_command(settings)
    return command is not None and is_shim_command(command)


def user_status_line(sources: Sequence[tuple[str, str | None]]) -> dict[str, Any] | None:
    """The user's own `statusLine` object: the first by precedence that is not a shim.

    `sources` are (name, text) pairs, highest precedence first; a file whose status
    line is a shim (ours or upstream's) is skipped, so the shim never chains to itself.
    """
    for name, text in sources:
        settings = parse_settings(text, name)
        if status_line_command(settings) is not None and not runs_shim(settings):
            return dict(settings[STATUS_LINE])
    return None


def shim_command(python: str, zipapp: str, state_dir: str | None = None) -> str:
    """The `statusLine.command` that runs the shim, every word quoted for `sh`.

    The launcher (`-c LAUNCHER`) starts ~5 ms faster than `python3 claude_usage.pyz`
    (README "Speed notes"); `--state-dir` is for agents without $MNGR_AGENT_STATE_DIR.
    """
    argv = [python, "-I", "-S", "-c", LAUNCHER, zipapp, ZIPAPP_VERB]
    if state_dir is not None:
        argv += ["--state-dir", state_dir]
    return shlex.join(argv)


def merge_status_line(
    text: str | None, name: str, command: str, user: Mapping[str, Any] | None = None
) -> str:
    """`text` with `statusLine` running `command`: every other key of the file kept.

    The file's own `statusLine` keys stay, and the `user` status line's other keys are
    added; an unchanged file comes back as the same text, so merging twice is a no-op.
    """
    settings = parse_settings(text, name)
    current = settings.get(STATUS_LINE)
    status_line = dict(current) if isinstance(current, dict) else {}
    for key, value in (user or {}).items():
        status_line.setdefault(key, value)
    status_line["type"] = "command"
    status_line["command"] = command
    if text is not None and current == status_line:
        return text
    settings[STATUS_LINE] = status_line
    return dump_settings(settings)


def restore_status_line(
    text: str | None, name: str, original: Mapping[str, Any] | None
) -> str | None:
    """`text` with the shim's `statusLine` replaced by `original`, or removed if None.

    A status line that is not a shim is the user's: it is left as it is.
    """
    settings = parse_settings(text, name)
    if not runs_shim(settings):
        return text
    if original is None:
        del settings[STATUS_LINE]
    else:
        settings[STATUS_LINE] = dict(original)
    return dump_settings(settings)
