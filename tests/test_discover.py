"""Which events files the reader finds, and whose they are."""

from __future__ import annotations

import json
from pathlib import Path

from claude_usage.reader.discover import (
    default_host_dirs,
    discover,
    find_sources,
    standalone_host_dir,
)

from .plant import NOW, agent_dir, cost, event, write_events


def test_live_agents_named_from_data_json(tmp_path: Path) -> None:
    a = agent_dir(tmp_path, "agent-1", "alpha")
    write_events(a, [event(NOW, "s", cost(1))])
    (b := tmp_path / "agents" / "agent-2").mkdir()
    write_events(b, [event(NOW, "s", cost(1))])  # no data.json: named by its id
    (tmp_path / "host_id").write_text("host-abc\n")
    found = {(f.agent_id, f.agent_name, f.source, f.host) for f in discover([tmp_path], [])}
    assert found == {
        ("agent-1", "alpha", "claude", "host-abc"),
        ("agent-2", "agent-2", "claude", "host-abc"),
    }


def test_sources_are_the_path_between_events_and_usage(tmp_path: Path) -> None:
    events = tmp_path / "events"
    for rel in ("claude/usage", "deep/x/usage", "usage", "claude/other"):
        (events / rel).mkdir(parents=True, exist_ok=True)
        (events / rel / "events.jsonl").write_text("")
    (events / "claude" / "usage" / "events.jsonl.1796298000").write_text("")  # rotated: ignored
    assert [s for s, _ in find_sources(events)] == ["claude", "deep/x"]


def test_symlinks_are_not_followed(tmp_path: Path) -> None:
    real = tmp_path / "elsewhere.jsonl"
    real.write_text(json.dumps(event(NOW, "s", cost(1))) + "\n")
    usage = tmp_path / "agents" / "agent-1" / "events" / "claude" / "usage"
    usage.mkdir(parents=True)
    (usage / "events.jsonl").symlink_to(real)
    linked_dir = tmp_path / "agents" / "agent-2"
    linked_dir.symlink_to(tmp_path / "agents" / "agent-1")
    assert discover([tmp_path], []) == []


def test_preserved_archives_and_their_names(tmp_path: Path) -> None:
    live = agent_dir(tmp_path, "agent-live", "live")
    write_events(live, [event(NOW, "s", cost(1))])
    gone = tmp_path / "preserved" / "gone--agent-gone"
    write_events(gone, [event(NOW, "s", cost(1))])
    other_host = tmp_path / "preserved" / "far--agent-far--host-remote"
    write_events(other_host, [event(NOW, "s", cost(1))])
    dup = tmp_path / "preserved" / "live--agent-live"  # the agent still has live events: skipped
    write_events(dup, [event(NOW, "s", cost(1))])
    found = {(f.agent_id, f.agent_name, f.preserved, f.host) for f in discover([tmp_path], [])}
    here = str(tmp_path)
    assert found == {
        ("agent-live", "live", False, here),
        ("agent-gone", "gone", True, here),
        ("agent-far", "far", True, "host-remote"),
    }
    assert {f.agent_id for f in discover([tmp_path], [], include_preserved=False)} == {"agent-live"}


def test_preserved_archives_by_upstreams_writers_say_their_host(tmp_path: Path) -> None:
    # 0.1.x: a mngr_usage_meta.json sidecar; 0.2.0: mngr's manifest.json (UPSTREAM.md §5.10).
    old = tmp_path / "preserved" / "old--agent-old"
    write_events(old, [event(NOW, "s", cost(1))])
    (old / "mngr_usage_meta.json").write_text(
        json.dumps({"provider_name": "docker", "host_id": "host-old", "host_name": "box"})
    )
    new = tmp_path / "preserved" / "new--agent-new"
    write_events(new, [event(NOW, "s", cost(1))])
    identity = {"host_id": "host-new", "agent_id": "agent-new", "agent_name": "renamed"}
    (new / "manifest.json").write_text(json.dumps({"schema_version": 1, "identity": identity}))
    found = {(f.agent_id, f.agent_name, f.host) for f in discover([tmp_path], [])}
    assert found == {("agent-old", "old", "host-old"), ("agent-new", "renamed", "host-new")}


def test_the_same_agent_id_on_two_hosts_stays_two_agents(tmp_path: Path) -> None:
    for host in ("h1", "h2"):
        (tmp_path / host).mkdir()
        (tmp_path / host / "host_id").write_text(host)
        write_events(agent_dir(tmp_path / host, "agent-same"), [event(NOW, "s", cost(1))])
    found = discover([tmp_path / "h1", tmp_path / "h2"], [])
    assert sorted((f.host, f.agent_id) for f in found) == [
        ("h1", "agent-same"),
        ("h2", "agent-same"),
    ]


def test_events_paths_files_and_folders(tmp_path: Path) -> None:
    loose = tmp_path / "loose.jsonl"
    loose.write_text("")
    tree = tmp_path / "tree"
    write_events(agent_dir(tree, "agent-t", "tee"), [event(NOW, "s", cost(1))])
    found = discover([], [loose, tree])
    assert sorted((f.agent_name, f.source) for f in found) == [
        ("tee", "claude"),
        (tmp_path.name, "claude"),
    ]


def test_agent_filter_by_name_or_id(tmp_path: Path) -> None:
    for agent_id, name in (("agent-1", "alpha"), ("agent-2", "beta"), ("agent-3", "gamma")):
        write_events(agent_dir(tmp_path, agent_id, name), [event(NOW, "s", cost(1))])
    found = discover([tmp_path], [], agents=["alpha", "agent-3"])
    assert sorted(f.agent_name for f in found) == ["alpha", "gamma"]


def test_default_host_dirs(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path)}
    assert default_host_dirs(env) == [
        tmp_path / ".mngr",
        tmp_path / ".local" / "state" / "claude-usage",
    ]
    env.update(MNGR_HOST_DIR="/x/mngr", XDG_STATE_HOME="/x/state")
    assert default_host_dirs(env) == [Path("/x/mngr"), Path("/x/state/claude-usage")]
    assert standalone_host_dir(env) == Path("/x/state/claude-usage")
