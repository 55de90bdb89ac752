"""`claude-usage doctor`: where things are and whether each install works, as checks.

Looks at the standalone host dir (every agent with an install record), the Python each
status line runs, the last event's age, and mngr: whether it is installed, whether it
sees our plugin, and upstream plugins that clash with ours. Imports no mngr.
"""

from __future__ import annotations

import shlex
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from claude_usage.provision import clash, paths
from claude_usage.provision.host import (
    Host,
    HostError,
    LocalHost,
    read_optional_bytes,
    read_optional_text,
)
from claude_usage.provision.install import build_zipapp, installed_agents
from claude_usage.provision.python import is_supported, python_version
from claude_usage.provision.record import parse_record
from claude_usage.provision.settings import (
    SettingsError,
    parse_settings,
    runs_shim,
    status_line_command,
)

OK, WARN, FAIL = "ok", "warn", "FAIL"


@dataclass(frozen=True)
class Check:
    """One finding: `ok`, `warn` or `FAIL`, and what it is."""

    status: str
    message: str

    def line(self) -> str:
        """`ok    message`, aligned like the shim's own doctor."""
        return f"{self.status:<4}  {self.message}"


def run_checks(environ: Mapping[str, str], now: float) -> list[Check]:
    """Every check, standalone installs first, then mngr."""
    host_dir = paths.standalone_host_dir(environ)
    host = LocalHost(host_dir)
    checks = [Check(OK, f"standalone dir {host_dir}")]
    agents = installed_agents(host)
    if agents:
        checks.append(check_zipapp(host))
    else:
        checks.append(Check(WARN, "not installed: run `claude-usage install` (or --project DIR)"))
    for name in agents:
        checks += check_agent(host, name, now)
    return checks + check_mngr(environ)


def check_zipapp(host: Host) -> Check:
    """Is the shim on this host, and is it this version's?"""
    zipapp = paths.zipapp_path(host.host_dir)
    data = read_optional_bytes(host, zipapp)
    if data is None:
        return Check(WARN, f"no shim at {zipapp}")
    if data != build_zipapp():
        return Check(WARN, f"shim {zipapp} is another version's: the next install updates it")
    return Check(OK, f"shim {zipapp} (this version)")


def check_agent(host: Host, name: str, now: float) -> list[Check]:
    """One install: settings wired, the Python it runs with, the user's command, last event."""
    state_dir = paths.agent_state_dir(host.host_dir, name)
    tag = f"[{name}]"
    record = parse_record(read_optional_text(host, paths.install_record_path(state_dir)))
    if record is None:
        return [Check(FAIL, f"{tag} damaged install record in {state_dir}: run install again")]
    settings_path = record.settings
    try:
        settings = parse_settings(read_optional_text(host, settings_path), str(settings_path))
    except (SettingsError, HostError) as error:
        return [Check(FAIL, f"{tag} {error}")]
    command = status_line_command(settings)
    if command is None or not runs_shim(settings):
        return [Check(FAIL, f"{tag} {settings_path}: statusLine no longer runs the shim")]
    checks = [Check(OK, f"{tag} {settings_path}: statusLine runs the shim")]
    checks.append(check_python(tag, command))
    sidecar = read_optional_text(host, paths.sidecar_path(state_dir)) or ""
    if sidecar.strip():
        checks.append(Check(OK, f"{tag} then runs your command: {sidecar}"))
    else:
        checks.append(Check(OK, f"{tag} no command of yours: the built-in line is shown"))
    checks.append(check_last_event(tag, paths.events_path(state_dir), now))
    return checks


def check_python(tag: str, command: str) -> Check:
    """The Python that the status-line command starts, and its version."""
    try:
        python = shlex.split(command)[0]
    except (ValueError, IndexError):
        return Check(FAIL, f"{tag} cannot read the Python from the command: {command}")
    where = python if python.startswith("/") else shutil.which(python) or python
    version = python_version(python)
    if version is None:
        return Check(FAIL, f"{tag} Python {where} does not start: no render is recorded")
    if not is_supported(version):
        return Check(FAIL, f"{tag} Python {where} is {version}; the shim needs 3.8 or newer")
    return Check(OK, f"{tag} the shim runs with Python {version} at {where}")


def check_last_event(tag: str, events: Path, now: float) -> Check:
    """The age of the last event (the file's modification time: each event is an append)."""
    try:
        mtime = events.stat().st_mtime
    except FileNotFoundError:
        return Check(OK, f"{tag} no event yet in {events} (none since install)")
    return Check(OK, f"{tag} last event {format_age(now - mtime)}, in {events}")


def format_age(seconds: float) -> str:
    """`just now`, `45s ago`, `3m ago`, `2h 5m ago`, `4d 4h ago`: at most two adjacent units."""
    seconds = max(0, int(seconds))
    if seconds == 0:
        return "just now"
    parts: list[str] = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size and len(parts) < 2:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
        elif parts:
            break
    return " ".join(parts) + " ago"


def check_mngr(environ: Mapping[str, str]) -> list[Check]:
    """mngr in this environment: installed, our plugin visible, upstream plugins beside it."""
    version = clash.installed_version(clash.MNGR_DISTRIBUTION)
    if version is None:
        return [Check(OK, "mngr is not installed here (for it: pip install 'claude-usage[mngr]')")]
    checks = [Check(OK, f"mngr: {clash.MNGR_DISTRIBUTION} {version}")]
    if clash.plugin_registered():
        checks.append(Check(OK, f"mngr plugin {clash.PLUGIN_NAME} is installed"))
    else:
        checks.append(Check(FAIL, f"mngr plugin {clash.PLUGIN_NAME} is not installed"))
    host = LocalHost(paths.mngr_host_dir(environ))
    if read_optional_bytes(host, paths.zipapp_path(host.host_dir)) is None:
        where = f"no shim in mngr host dir {host.host_dir} yet"
        checks.append(Check(OK, f"{where}: `mngr create` of a Claude agent puts it there"))
    else:
        checks.append(check_zipapp(host))
    checks += [Check(WARN, warning) for warning in clash.upstream_warnings()]
    return checks
