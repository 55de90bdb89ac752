"""Keep a destroyed agent's usage events (SPEC §6, on_before_agent_destroy).

They are copied into the agent's preserved archive, `<host_dir>/preserved/<name>--<id>/`,
at the same relative path as in the state dir: upstream's layout, so either reader
finds them.
"""

from __future__ import annotations

from pathlib import Path

from claude_usage.provision import paths, steps
from claude_usage.provision.host import Host, read_optional_bytes
from claude_usage.provision.steps import Step


def preserve_events(source: Host, state_dir: Path, dest: Host, archive_dir: Path) -> list[Step]:
    """Copy the agent's events file from `source` into `archive_dir` on `dest`."""
    data = read_optional_bytes(source, paths.events_path(state_dir))
    if data is None:
        return []
    what = f"usage events of the destroyed agent, {data.count(b'\n')} lines"
    plan = [steps.write(paths.events_path(archive_dir), data, what, 0o600)]
    steps.apply_steps(dest, plan)
    return plan
