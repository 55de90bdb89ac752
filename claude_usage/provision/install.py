"""Install (SPEC §6.1-6.5): the shim on the host, the user's command in the sidecar, and
`statusLine` in the settings file.

Everything is read and decided before anything is written, so a settings file that is
not a JSON object stops the install with nothing written. The settings file is written
last, because it is what turns the shim on.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from claude_usage.errors import ClaudeUsageError
from claude_usage.provision import paths, steps
from claude_usage.provision.host import Host, read_optional_bytes, read_optional_text
from claude_usage.provision.python import ENV_PYTHON, find_python3, is_supported, python_version
from claude_usage.provision.record import Record, dump_record, parse_record
from claude_usage.provision.settings import (
    merge_status_line,
    parse_settings,
    runs_shim,
    shim_command,
    user_status_line,
)
from claude_usage.provision.steps import Step

MNGR_PYTHON = "python3"
# The shim's compiled-code caches (shim/boot.py); a new zipapp invalidates them anyway.
CACHE_PATTERN = "claude_usage.pyz.*.cache"


class InstallError(ClaudeUsageError):
    """The install cannot go ahead (no usable Python, for one)."""


@dataclass(frozen=True)
class Target:
    """One agent's wiring: where the shim lives and which settings file runs it."""

    host_dir: Path
    state_dir: Path
    settings: Path  # the file whose statusLine runs the shim
    lower_settings: tuple[Path, ...] = ()  # more files on the host, by precedence
    user_settings: Path | None = None  # Claude Code's user level, read on this machine
    python: str = MNGR_PYTHON
    pass_state_dir: bool = False  # without $MNGR_AGENT_STATE_DIR the shim needs --state-dir

    @property
    def command(self) -> str:
        """The `statusLine.command` for this agent."""
        state_dir = str(self.state_dir) if self.pass_state_dir else None
        return shim_command(self.python, str(paths.zipapp_path(self.host_dir)), state_dir)


def mngr_agent_target(
    host_dir: Path, agent_id: str, work_dir: Path, environ: Mapping[str, str]
) -> Target:
    """An mngr agent: its work dir's settings.local.json; mngr sets $MNGR_AGENT_STATE_DIR.

    The user level is this machine's: mngr builds every agent's Claude config, remote
    ones included, from the local user's settings.
    """
    local, shared = paths.project_settings_paths(work_dir)
    return Target(
        host_dir=host_dir,
        state_dir=paths.agent_state_dir(host_dir, agent_id),
        settings=local,
        lower_settings=(shared,),
        user_settings=paths.user_settings_path(environ),
        python=environ.get(ENV_PYTHON) or MNGR_PYTHON,
    )


def standalone_target(
    environ: Mapping[str, str], project: Path | None, python: str = MNGR_PYTHON
) -> Target:
    """Claude Code without mngr: the user-level settings, or one project's settings.local.json."""
    host_dir = paths.standalone_host_dir(environ)
    if project is None:
        return Target(
            host_dir=host_dir,
            state_dir=paths.agent_state_dir(host_dir, paths.USER_AGENT_NAME),
            settings=paths.user_settings_path(environ),
            python=python,
            pass_state_dir=True,
        )
    local, shared = paths.project_settings_paths(project)
    return Target(
        host_dir=host_dir,
        state_dir=paths.agent_state_dir(host_dir, paths.project_agent_name(project)),
        settings=local,
        lower_settings=(shared,),
        user_settings=paths.user_settings_path(environ),
        python=python,
        pass_state_dir=True,
    )


def installed_agents(host: Host) -> list[str]:
    """Names of the agents under the host dir that have an install record."""
    agents = host.host_dir / paths.AGENTS_DIR
    return [
        name
        for name in host.list_names(agents)
        if read_optional_text(host, paths.install_record_path(agents / name)) is not None
    ]


def choose_python(environ: Mapping[str, str], python: str | None) -> str:
    """The Python for a local install: `python`, else the first real python3 on PATH.

    InstallError if there is none, or it does not start, or it is older than 3.8.
    """
    chosen = python or find_python3(environ)
    if chosen is None:
        raise InstallError(
            "no python3 on PATH outside a virtualenv and not a wrapper script; "
            "give one with --python /path/to/python3"
        )
    version = python_version(chosen)
    if version is None:
        raise InstallError(f"{chosen} does not run as `{chosen} -I -S`; give another with --python")
    if not is_supported(version):
        raise InstallError(f"{chosen} is Python {version}; the shim needs 3.8 or newer")
    return chosen


def install(
    host: Host, target: Target, *, local: Host | None = None, dry_run: bool = False
) -> list[Step]:
    """Install the shim and wire `target`; returns the steps (only planned with dry_run).

    `local` reads the user-level settings (this machine); it defaults to `host`.
    """
    local = local or host
    zipapp = paths.zipapp_path(target.host_dir)
    new = build_zipapp()
    plan: list[Step] = []
    if read_optional_bytes(host, zipapp) != new:
        plan += zipapp_steps(zipapp, new, host.list_names(zipapp.parent))
    lower = [(str(path), read_optional_text(host, path)) for path in target.lower_settings]
    if target.user_settings is not None:
        user = target.user_settings
        lower.append((str(user), read_optional_text(local, user)))
    plan += wiring_steps(
        target,
        read_optional_text(host, target.settings),
        lower,
        read_optional_text(host, paths.sidecar_path(target.state_dir)),
        read_optional_text(host, paths.install_record_path(target.state_dir)),
    )
    if not dry_run:
        steps.apply_steps(host, plan)
    return plan


def build_zipapp() -> bytes:
    """This version's zipapp bytes."""
    from claude_usage.zipapp import build_zipapp_bytes

    return build_zipapp_bytes()


def zipapp_steps(zipapp: Path, data: bytes, names: Sequence[str]) -> list[Step]:
    """Write a new zipapp (0755), then drop the caches (`names`: its folder's entries)."""
    what = f"the status-line shim, {len(data)} bytes"
    return [steps.write(zipapp, data, what, 0o755), *cache_steps(zipapp.parent, names)]


def cache_steps(folder: Path, names: Sequence[str]) -> list[Step]:
    """Remove the shim's compiled-code caches found among `names` (the entries of `folder`)."""
    return [
        steps.remove(folder / name, "the shim's compiled-code cache")
        for name in names
        if fnmatch.fnmatchcase(name, CACHE_PATTERN)
    ]


def wiring_steps(
    target: Target,
    settings_text: str | None,
    lower: Sequence[tuple[str, str | None]],
    sidecar: str | None,
    record_text: str | None,
) -> list[Step]:
    """Sidecar, install record and settings file for one agent (pure; SPEC §6.2-6.5)."""
    name = str(target.settings)
    wired = runs_shim(parse_settings(settings_text, name))
    record = parse_record(record_text, target.settings) if wired else None
    # Once wired, the file's own status line is the one it had before install.
    original = record.original if record is not None else settings_text
    user = user_status_line([(name, original), *lower])
    captured = user["command"] if user is not None else ""
    earlier = sidecar if sidecar is not None and sidecar.strip() else None
    # A blank capture never overwrites a command captured earlier (SPEC §6.3). Nor does a
    # lower file's once a shim holds this one and its original is unknown (upstream's
    # provisioner ran first, or the record was lost): the sidecar was taken from it.
    if wired and record is None and earlier is not None:
        captured = earlier
    plan: list[Step] = []
    sidecar_path = paths.sidecar_path(target.state_dir)
    if sidecar != captured and (captured.strip() or earlier is None):
        what = f"your status-line command, run after each render: {captured}"
        if not captured.strip():
            what = "no status-line command of yours was found; the built-in line is shown"
        plan.append(steps.write(sidecar_path, captured.encode(), what, 0o600))
    new_text = merge_status_line(settings_text, name, target.command, user)
    if new_text != settings_text:
        record = Record(target.settings, original, new_text)
        plan.append(
            steps.write(
                paths.install_record_path(target.state_dir),
                dump_record(record).encode(),
                "the settings file as it was, for uninstall",
                0o600,
            )
        )
        what = "statusLine runs the claude-usage shim; every other key kept"
        plan.append(steps.write(target.settings, new_text.encode(), what))
    return plan
