"""Upstream's mngr plugins installed beside ours, found without importing mngr.

`imbue-mngr-claude-usage` provisions the same Claude agents with its bash shim, and
`imbue-mngr-usage` defines `mngr usage`. Both share names or files with us, so doctor
and the plugin say so.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import metadata

# The entry-point name in pyproject.toml ([project.entry-points.mngr]); not upstream's
# `usage` or `claude_usage`, since pluggy silently skips a second plugin of one name.
PLUGIN_NAME = "claude_usage_meter"
MNGR_DISTRIBUTION = "imbue-mngr"

UPSTREAM = {
    "imbue-mngr-claude-usage": (
        "it provisions the same Claude agents with its own shim. claude-usage's hook runs "
        "after it (trylast), recognises its shim and replaces it, so claude-usage's shim is "
        "the one wired; upstream's still writes its scripts. To stop that, uninstall it or "
        "set `[plugins.claude_usage] enabled = false` in mngr's settings.toml"
    ),
    "imbue-mngr-usage": (
        "it defines `mngr usage` too, and mngr keeps the command registered last: "
        "claude-usage's (registered trylast), so upstream's `mngr usage` and `mngr usage "
        "wait` are hidden. Both read the same events files. To silence this, uninstall it "
        "or set `[plugins.usage] enabled = false` in mngr's settings.toml"
    ),
}


def installed_version(distribution: str) -> str | None:
    """The installed version of a distribution, or None."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


USAGE_COMMAND_CLASH = "imbue-mngr-usage"


def upstream_warnings(distributions: Iterable[str] = tuple(UPSTREAM)) -> list[str]:
    """One warning per upstream plugin (of `distributions`) installed in this environment."""
    warnings = []
    for distribution in distributions:
        consequence = UPSTREAM[distribution]
        version = installed_version(distribution)
        if version is not None:
            warnings.append(f"upstream {distribution} {version} is installed: {consequence}")
    return warnings


def plugin_registered() -> bool:
    """True if mngr will find our plugin (its entry point is installed)."""
    return any(ep.name == PLUGIN_NAME for ep in metadata.entry_points(group="mngr"))
