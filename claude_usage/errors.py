"""The project's one exception base: an error the user can act on."""

from __future__ import annotations


class ClaudeUsageError(Exception):
    """Shown as `claude-usage: <message>` on stderr with `exit_code`; never a traceback."""

    exit_code = 1
