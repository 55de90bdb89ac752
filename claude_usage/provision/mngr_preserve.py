"""A destroyed mngr agent's usage events into its preserved archive, with mngr's manifest.

The manifest (mngr's `PreservationManifest`: who the agent was, where it ran, what was
copied) is what mngr and upstream's reader use to recognise an archive that holds usage
(`events/<type>/usage`), and it carries a remote agent's host id, which the archive's
name does not. Imported only inside mngr's destroy hook.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from claude_usage.provision import paths
from claude_usage.provision.host import LocalHost
from claude_usage.provision.mngr_host import MngrHost
from claude_usage.provision.preserve import preserve_events
from claude_usage.provision.steps import Step

USAGE_DIR = str(paths.events_path(Path()).parent)  # "events/claude/usage"


def preserve_agent_usage(agent: Any, host: Any) -> list[Step]:
    """Copy the agent's events files into mngr's archive for it and record them there."""
    from imbue.mngr.api.preservation import (
        PreservationManifest,
        PreservationOutcome,
        PreservedAgentIdentity,
        PreservedItemResult,
        get_local_preserved_agent_dir_for_host,
        write_preservation_manifest,
    )
    from imbue.mngr.interfaces.data_types import FileType

    # mngr's own rule for the archive: `<name>--<id>`, host-qualified on a collision.
    archive = get_local_preserved_agent_dir_for_host(agent.mngr_ctx, agent.name, agent.id, host.id)
    state_dir = paths.agent_state_dir(Path(host.host_dir), str(agent.id))
    local = LocalHost(Path(agent.mngr_ctx.config.default_host_dir).expanduser())
    plan = preserve_events(MngrHost(host), state_dir, local, archive)
    if not plan:
        return plan  # no usage: no archive
    identity = PreservedAgentIdentity(
        host_id=host.id,
        host_name=host.get_name(),
        provider_name=host.get_provider_name(),
        agent_id=agent.id,
        agent_name=agent.name,
        agent_type=agent.agent_type,
        labels=agent.get_labels(),
    )
    copied = PreservedItemResult(
        rel_path=USAGE_DIR, kind=FileType.DIRECTORY, outcome=PreservationOutcome.COPIED
    )
    write_preservation_manifest(archive, PreservationManifest(identity=identity, items=(copied,)))
    return plan
