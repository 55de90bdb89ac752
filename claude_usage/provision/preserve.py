"""Keep a destroyed agent's usage events (SPEC §6, on_before_agent_destroy).

Every events file of the agent's usage dir (`events/claude/usage/events.jsonl`, and
rotated `events.jsonl.*` if any) is copied into its preserved archive,
`<host_dir>/preserved/<name>--<id>/`, at the same relative path as in the state dir:
upstream's layout, so either reader finds them.
"""

from __future__ import annotations

from pathlib import Path

from claude_usage.provision import paths, steps
from claude_usage.provision.host import Host, read_optional_bytes
from claude_usage.provision.steps import Step

EVENTS_NAME = paths.events_path(Path()).name


def preserve_events(source: Host, state_dir: Path, dest: Host, archive_dir: Path) -> list[Step]:
    """Copy the agent's events files from `source` into `archive_dir` on `dest`."""
    usage_dir = paths.events_path(state_dir).parent
    plan = []
    for name in source.list_names(usage_dir):
        if not name.startswith(EVENTS_NAME):
            continue
        data = read_optional_bytes(source, usage_dir / name)
        if data is None:
            continue
        what = f"usage events of the destroyed agent, {data.count(b'\n')} lines"
        target = paths.events_path(archive_dir).parent / name
        plan.append(steps.write(target, data, what, 0o600))
    steps.apply_steps(dest, plan)
    return plan
