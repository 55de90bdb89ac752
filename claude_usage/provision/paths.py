"""Where things live (SPEC §3): host dirs, agent state dirs, the zipapp, settings files.

Pure: the environment comes in as a mapping. A standalone install (no mngr) uses the
same layout as an mngr host dir, so the reader treats both alike.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from pathlib import Path

from claude_usage.shim import events

ENV_CLAUDE_CONFIG_DIR = "CLAUDE_CONFIG_DIR"
ENV_XDG_STATE_HOME = "XDG_STATE_HOME"
MNGR_HOST_DIR_NAME = ".mngr"
STANDALONE_DIR_NAME = "claude-usage"
USER_AGENT_NAME = "default"
AGENTS_DIR = "agents"
# What the provisioner found and wrote, so uninstall can put it back (beside the sidecar).
INSTALL_RECORD_SUBPATH = "commands/install_record.json"
SETTINGS_LOCAL = ".claude/settings.local.json"
SETTINGS_SHARED = ".claude/settings.json"


def home_dir(environ: Mapping[str, str]) -> Path:
    """$HOME, or the password database's idea of it."""
    home = environ.get("HOME")
    return Path(home) if home else Path.home()


def mngr_host_dir(environ: Mapping[str, str]) -> Path:
    """The local mngr host dir: $MNGR_HOST_DIR, else ~/.mngr."""
    value = environ.get(events.ENV_HOST_DIR)
    return Path(value).expanduser() if value else home_dir(environ) / MNGR_HOST_DIR_NAME


def standalone_host_dir(environ: Mapping[str, str]) -> Path:
    """The host dir of installs without mngr: $XDG_STATE_HOME/claude-usage or ~/.local/state/…."""
    state_home = environ.get(ENV_XDG_STATE_HOME, "")
    # The XDG spec says a relative value is invalid and must be ignored.
    if not state_home.startswith("/"):
        state_home = str(home_dir(environ) / ".local" / "state")
    return Path(state_home) / STANDALONE_DIR_NAME


def agent_state_dir(host_dir: Path, agent: str) -> Path:
    """`<host_dir>/agents/<agent-id or name>`."""
    return host_dir / AGENTS_DIR / agent


def zipapp_path(host_dir: Path) -> Path:
    """The host's one copy of the shim."""
    return host_dir / events.ZIPAPP_SUBPATH


def sidecar_path(state_dir: Path) -> Path:
    """The agent's copy of the user's own status-line command."""
    return state_dir / events.SIDECAR_SUBPATH


def install_record_path(state_dir: Path) -> Path:
    """What the provisioner found and wrote for this agent."""
    return state_dir / INSTALL_RECORD_SUBPATH


def events_path(state_dir: Path) -> Path:
    """The agent's events file."""
    return state_dir / events.EVENTS_SUBPATH


def user_settings_path(environ: Mapping[str, str]) -> Path:
    """Claude Code's user-level settings: $CLAUDE_CONFIG_DIR/settings.json or ~/.claude/…."""
    config_dir = environ.get(ENV_CLAUDE_CONFIG_DIR)
    base = Path(config_dir).expanduser() if config_dir else home_dir(environ) / ".claude"
    return base / "settings.json"


def project_settings_paths(work_dir: Path) -> tuple[Path, Path]:
    """(settings.local.json, settings.json) of a work dir, highest precedence first."""
    return work_dir / SETTINGS_LOCAL, work_dir / SETTINGS_SHARED


def project_agent_name(project_dir: Path) -> str:
    """A stable, readable agent name for a project: `<folder>-<8 hex of its path>`.

    The hash tells apart two projects with the same folder name.
    """
    digest = hashlib.sha256(str(project_dir).encode("utf-8", "surrogateescape")).hexdigest()
    folder = re.sub(r"[^A-Za-z0-9._-]+", "_", project_dir.name).strip("._") or "project"
    return f"{folder[:40]}-{digest[:8]}"
