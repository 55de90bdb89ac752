"""Uninstall (SPEC §6.6): the settings file as it was, the agent's sidecar and record gone.

The events stay: they are the user's history. The zipapp goes too once no other agent
on the host is installed.
"""

from __future__ import annotations

from pathlib import Path

from claude_usage.provision import paths, steps
from claude_usage.provision.host import Host, read_optional_bytes, read_optional_text
from claude_usage.provision.install import Target, cache_steps, installed_agents
from claude_usage.provision.record import Record, parse_record
from claude_usage.provision.settings import (
    STATUS_LINE,
    parse_settings,
    restore_status_line,
    runs_shim,
)
from claude_usage.provision.steps import Step
from claude_usage.shim.statusline import LAST_GOOD_SUFFIX


def uninstall(host: Host, target: Target, *, dry_run: bool = False) -> list[Step]:
    """Unwire `target` and remove what install wrote for it; returns the steps."""
    sidecar = paths.sidecar_path(target.state_dir)
    record = paths.install_record_path(target.state_dir)
    sidecar_text = read_optional_text(host, sidecar)
    record_text = read_optional_text(host, record)
    plan = unwiring_steps(
        target, read_optional_text(host, target.settings), sidecar_text, record_text
    )
    last_output = sidecar.with_name(sidecar.name + LAST_GOOD_SUFFIX.decode())
    if sidecar_text is not None:
        plan.append(steps.remove(sidecar, "your status-line command, as captured"))
    if read_optional_bytes(host, last_output) is not None:
        plan.append(steps.remove(last_output, "your command's last output"))
    if record_text is not None:
        plan.append(steps.remove(record, "the install record"))
    if set(installed_agents(host)) <= {target.state_dir.name}:
        plan += _zipapp_removal(host, target.host_dir)
    if not dry_run:
        steps.apply_steps(host, plan)
    return plan


def unwiring_steps(
    target: Target, settings_text: str | None, sidecar: str | None, record_text: str | None
) -> list[Step]:
    """The settings file back as before install (pure).

    Byte for byte when it is still exactly what install wrote; otherwise only the
    status line changes back, keeping whatever else the user changed since.
    """
    name = str(target.settings)
    if not runs_shim(parse_settings(settings_text, name)):
        why = "it does not exist" if settings_text is None else "its statusLine is not a shim"
        return [steps.keep(target.settings, why)]
    record = parse_record(record_text, target.settings)
    if record is not None and settings_text == record.written:
        if record.original is None:
            return [steps.remove(target.settings, "it did not exist before install")]
        return [steps.write(target.settings, record.original.encode(), "back as before install")]
    original = _original_status_line(record, name, sidecar)
    new_text = restore_status_line(settings_text, name, original)
    assert new_text is not None  # the file runs the shim, so it exists
    if original is None:
        what = "statusLine removed (there was none before); every other key kept"
    else:
        what = f"statusLine back as before install ({original.get('command')}); other keys kept"
    return [steps.write(target.settings, new_text.encode(), what)]


def _original_status_line(record: Record | None, name: str, sidecar: str | None) -> dict | None:
    if record is not None:
        value = parse_settings(record.original, name).get(STATUS_LINE)
        return value if isinstance(value, dict) else None
    # No record (it was removed): the captured command is all that is known.
    if sidecar is not None and sidecar.strip():
        return {"type": "command", "command": sidecar}
    return None


def _zipapp_removal(host: Host, host_dir: Path) -> list[Step]:
    zipapp = paths.zipapp_path(host_dir)
    names = host.list_names(zipapp.parent)
    plan = cache_steps(zipapp.parent, names)
    if zipapp.name in names:
        plan.insert(0, steps.remove(zipapp, "the status-line shim (no agent uses it now)"))
    return plan
