"""Which events files mngr's agents have, found through mngr's own agent listing (I/O).

`mngr usage` sees the agents `mngr list` sees, with the same filters (CEL `--include` /
`--exclude` and their aliases, `--provider`), on every host mngr reaches. A local
host's files are read straight off the disk (fast, cached by inode); another host's
through mngr's host object, from the cached offset on, so a second report moves only
the new bytes. Preserved archives of destroyed agents live in the local host dir and
pass the same filters, seen as agents in state `DESTROYED`.

imbue-mngr is imported inside the functions: this module is used only inside mngr.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from claude_usage.reader.discover import (
    EVENTS_NAME,
    EventsFile,
    find_sources,
    preserved_archives,
)

PRESERVED_STATE = "DESTROYED"


@dataclass(frozen=True)
class AgentQuery:
    """What to ask mngr's listing for: CEL filters and providers (empty: all)."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    include_preserved: bool = True


@dataclass
class Found:
    """The events files found, and what could not be looked at (for stderr)."""

    files: list[EventsFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def discover_mngr(mngr_ctx: Any, query: AgentQuery) -> Found:
    """Events files of the agents mngr lists for `query`, then matching preserved ones."""
    from imbue.mngr.api.list import list_agents
    from imbue.mngr.primitives import ErrorBehavior

    found = Found()
    listing = list_agents(
        mngr_ctx,
        is_streaming=False,
        include_filters=query.include,
        exclude_filters=query.exclude,
        provider_names=query.providers or None,
        error_behavior=ErrorBehavior.CONTINUE,  # one unreachable host must not hide the rest
    )
    for error in listing.errors:
        found.warnings.append(f"mngr could not list some agents: {error.message}")
    for agent in listing.agents:
        _add_agent(mngr_ctx, agent, found)
    if query.include_preserved:
        # Agents are (host, agent id): an archive of an agent mngr still lists is not
        # counted twice, one of another host's agent with the same id is counted.
        live = {(f.host, f.agent_id) for f in found.files}
        admits = _preserved_filter(query)
        local_host_dir = Path(mngr_ctx.config.default_host_dir).expanduser()
        for archive in preserved_archives(local_host_dir):
            files = [f for f in archive.files if (f.host, f.agent_id) not in live]
            if files and admits(archive.identity):
                found.files.extend(files)
    return found


def _add_agent(mngr_ctx: Any, agent: Any, found: Found) -> None:
    from imbue.mngr.api.events import try_build_events_target_for_agent

    target = try_build_events_target_for_agent(
        mngr_ctx=mngr_ctx,
        agent_id=agent.id,
        agent_name=str(agent.name),
        host_id=agent.host.id,
        provider_name=agent.host.provider_name,
    )
    if target is None:
        found.warnings.append(
            f"agent {agent.name}: its host {agent.host.name} is offline and has no readable "
            "volume; its usage is not counted"
        )
        return
    host, events_dir = target.host, Path(target.events_path)
    host_id, agent_id, name = str(agent.host.id), str(agent.id), str(agent.name)
    if getattr(host, "is_local", False):
        for source, path in find_sources(events_dir):
            found.files.append(EventsFile(path, source, host_id, agent_id, name))
        return
    try:
        entries = host.list_directory(events_dir, recursive=True)
    except Exception as error:  # anything from SSH to a vanished volume: skip this agent
        found.warnings.append(f"agent {name}: cannot list {events_dir}: {error}")
        return
    for source, path in remote_sources(events_dir, entries):
        read_from = partial(read_tail, host, path)
        found.files.append(EventsFile(path, source, host_id, agent_id, name, read_from=read_from))


def remote_sources(events_dir: Path, entries: Sequence[Any]) -> list[tuple[str, Path]]:
    """(source, file) for each regular `<source>/usage/events.jsonl` in a host's listing."""
    found = []
    for entry in entries:
        if str(entry.file_type) != "FILE":  # symlinks are not followed, as locally
            continue
        path = Path(entry.path)
        try:
            parts = path.relative_to(events_dir).parts
        except ValueError:
            continue
        if len(parts) >= 3 and parts[-2:] == ("usage", EVENTS_NAME):
            found.append(("/".join(parts[:-2]), path))
    return sorted(found)


def read_tail(host: Any, path: Path, offset: int) -> tuple[int, bytes]:
    """(file size, bytes from `offset` to EOF) of a file on an mngr host."""
    tail = host.read_file_tail_from_offset(path, offset)
    return tail.file_size, tail.content


def _preserved_filter(query: AgentQuery) -> Callable[[dict[str, Any]], bool]:
    """Whether a preserved agent passes the query's provider and CEL filters."""
    include = exclude = ()
    if query.include or query.exclude:
        from imbue.mngr.utils.cel_utils import compile_cel_filters

        include, exclude = compile_cel_filters(query.include, query.exclude)

    def admits(identity: dict[str, Any]) -> bool:
        if query.providers and identity["host"]["provider"] not in query.providers:
            return False
        if not (include or exclude):
            return True
        from imbue.mngr.utils.cel_utils import apply_cel_filters_to_context

        context = {**identity, "state": PRESERVED_STATE}
        where = f"preserved agent {identity['name']}"
        return apply_cel_filters_to_context(context, include, exclude, where)

    return admits
