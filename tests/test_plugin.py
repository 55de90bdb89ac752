"""The mngr plugin against the real imbue-mngr 0.3.0 (the `mngr` extra), in a throwaway HOME.

Agents are created with `host.create_agent_state` (a real agent record, nothing started)
and the hooks are called through mngr's own plugin manager, which loaded our entry point.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from claude_usage import __version__
from claude_usage.mngr_plugin import hookimpl
from claude_usage.provision import clash, paths
from claude_usage.provision.mngr_host import MngrHost
from claude_usage.zipapp import build_zipapp_bytes

from .plant import NOW, cost, event, generated_host, windows, write_events
from .terminal import run_with_tty_stderr

try:
    import imbue.mngr  # noqa: F401
except ImportError:  # the suite must test the real mngr: say how to get it, do not skip
    pytest.fail(
        "imbue-mngr is not installed: run ./scripts/test, which installs the `mngr` extra "
        "(uv run --extra mngr), or pip install '.[mngr]'",
        pytrace=False,
    )


@pytest.fixture
def mngr_env(hermetic_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """mngr isolated: its host dir under tmp_path, no project config, a non-git cwd."""
    empty = tmp_path / "no-project-config"
    empty.mkdir()
    monkeypatch.setenv("MNGR_HOST_DIR", str(tmp_path / ".mngr"))
    monkeypatch.setenv("MNGR_PROJECT_CONFIG_DIR", str(empty))
    monkeypatch.chdir(tmp_path)
    return dict(os.environ)


@dataclass
class Mngr:
    pm: Any
    ctx: Any
    host: Any
    log: list[str]

    @property
    def host_dir(self) -> Path:
        return Path(self.host.host_dir)

    def create_agent(self, work_dir: Path, agent_type: str, name: str, **options: Any) -> Any:
        from imbue.mngr.interfaces.host import CreateAgentOptions
        from imbue.mngr.primitives import AgentName, AgentTypeName

        kind = AgentTypeName(agent_type)
        create = CreateAgentOptions(agent_type=kind, name=AgentName(name), **options)
        return self.host.create_agent_state(work_dir, create)

    def provision(self, agent: Any) -> None:
        self.pm.hook.on_before_provisioning(agent=agent, host=self.host, mngr_ctx=self.ctx)


@pytest.fixture
def mngr(mngr_env: dict[str, str]) -> Iterator[Mngr]:
    """A real local mngr host (notes-mngr.md §2.1), with mngr's log captured."""
    from imbue.concurrency_group.concurrency_group import ConcurrencyGroup
    from imbue.mngr.api.providers import get_provider_instance, reset_provider_instances
    from imbue.mngr.cli.plugin_manager import create_plugin_manager
    from imbue.mngr.config.loader import load_config
    from imbue.mngr.primitives import HostName, ProviderInstanceName
    from loguru import logger

    log: list[str] = []
    logger.remove()
    sink = logger.add(log.append, level="DEBUG", format="{level} {message}")
    pm = create_plugin_manager()
    try:
        with ConcurrencyGroup(name="test") as group:
            ctx = load_config(pm, group)
            provider = get_provider_instance(ProviderInstanceName("local"), ctx)
            yield Mngr(pm, ctx, provider.get_host(HostName("localhost")), log)
    finally:
        with contextlib.suppress(ValueError):  # `mngr usage` set up mngr's own logging
            logger.remove(sink)
        reset_provider_instances()


@pytest.fixture
def work(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    (path / ".claude").mkdir(parents=True)
    return path


def run_mngr(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """The real `mngr` command of this environment, in a subprocess."""
    mngr_bin = shutil.which("mngr", path=os.path.dirname(sys.executable))
    assert mngr_bin, "the mngr extra installs the mngr command"
    return subprocess.run([mngr_bin, *args], capture_output=True, text=True, env=env, timeout=120)


def test_mngr_plugin_list_shows_the_plugin(mngr_env: dict[str, str]) -> None:
    done = run_mngr(mngr_env, "plugin", "list", "--format", "json")
    assert done.returncode == 0, done.stderr
    plugins = {plugin["name"]: plugin for plugin in json.loads(done.stdout)["plugins"]}
    ours = plugins[clash.PLUGIN_NAME]
    assert (ours["version"], ours["enabled"]) == (__version__, "true")
    assert ours["description"].startswith("Record and report what Claude Code agents cost")
    assert not {"usage", "claude_usage"} & set(plugins)  # no upstream here


def test_the_plugin_module_imports_no_mngr() -> None:
    code = (
        "import sys, claude_usage.mngr_plugin\n"
        "print(sorted(m for m in sys.modules if m.startswith(('imbue', 'loguru'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "[]\n"), done.stderr


def test_provisioning_a_claude_agent(mngr: Mngr, work: Path) -> None:
    local = work / ".claude/settings.local.json"
    local.write_text(
        '{"model": "opus", "statusLine": {"type": "command", "command": "echo mine", "padding": 2}}'
    )
    agent = mngr.create_agent(work, "claude", "c1")
    assert type(agent).__name__ == "ClaudeAgent"
    mngr.provision(agent)

    zipapp = mngr.host_dir / "commands/claude_usage.pyz"
    assert zipapp.read_bytes() == build_zipapp_bytes()
    assert zipapp.stat().st_mode & 0o777 == 0o755
    sidecar = mngr.host_dir / "agents" / str(agent.id) / "commands/user_statusline_cmd"
    assert (sidecar.read_text(), sidecar.stat().st_mode & 0o777) == ("echo mine", 0o600)
    command = (
        "python3 -I -S -c 'import sys,zipimport;exec(zipimport.zipimporter(sys.argv[1])"
        f'.get_data("claude_usage/shim/boot.py"))\' {zipapp} statusline'
    )
    assert local.read_text() == (
        "{\n"
        '  "model": "opus",\n'
        '  "statusLine": {\n'
        '    "type": "command",\n'
        f'    "command": {json.dumps(command)},\n'
        '    "padding": 2\n'
        "  }\n"
        "}\n"
    )
    # Provisioning the same agent again changes nothing.
    before = {p: p.read_bytes() for p in (zipapp, sidecar, local)}
    mngr.provision(agent)
    assert {p: p.read_bytes() for p in before} == before


def test_other_agent_types_are_left_alone(mngr: Mngr, work: Path) -> None:
    from imbue.mngr.primitives import CommandString

    local = work / ".claude/settings.local.json"
    local.write_text('{"statusLine": {"type": "command", "command": "echo mine"}}')
    agent = mngr.create_agent(work, "command", "cmd1", command=CommandString("sleep 1"))
    mngr.provision(agent)
    assert local.read_text() == '{"statusLine": {"type": "command", "command": "echo mine"}}'
    assert not (mngr.host_dir / "commands/claude_usage.pyz").exists()
    assert not (mngr.host_dir / "agents" / str(agent.id) / "commands/user_statusline_cmd").exists()


def test_a_broken_settings_file_is_logged_not_raised(mngr: Mngr, work: Path) -> None:
    local = work / ".claude/settings.local.json"
    local.write_text('{"permissions": ')
    agent = mngr.create_agent(work, "claude", "c2")
    mngr.provision(agent)  # a raise here would abort `mngr create`
    assert local.read_text() == '{"permissions": '
    errors = [line for line in mngr.log if line.startswith("ERROR claude-usage")]
    assert errors == [
        f"ERROR claude-usage: agent c2 records no usage: {local} is not valid JSON "
        "(Expecting value, line 1 column 17); it was left as it is: fix it (or move it away) "
        "and run again\n"
    ]


def test_upstream_provisioner_beside_ours_is_a_warning(
    mngr: Mngr, work: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = tmp_path / "site/imbue_mngr_claude_usage-0.2.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: imbue-mngr-claude-usage\nVersion: 0.2.0\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    mngr.provision(mngr.create_agent(work, "claude", "c3"))
    warnings = [line for line in mngr.log if line.startswith("WARNING claude-usage")]
    assert len(warnings) == 1
    assert "upstream imbue-mngr-claude-usage 0.2.0 is installed" in warnings[0]


class StandInUpstream:
    """Does what imbue-mngr-claude-usage's hook does to an agent's files (UPSTREAM.md §4.2)."""

    @hookimpl
    def on_before_provisioning(self, agent: Any, host: Any, mngr_ctx: Any) -> None:
        local = Path(agent.work_dir) / ".claude/settings.local.json"
        settings = json.loads(local.read_text())
        state = Path(host.host_dir) / "agents" / str(agent.id)
        (state / "commands").mkdir(parents=True, exist_ok=True)
        (state / "commands/user_statusline_cmd").write_text(settings["statusLine"]["command"])
        shim = str(Path(host.host_dir) / "commands/claude_statusline.sh")
        settings["statusLine"] = {"type": "command", "command": shim}  # padding lost
        local.write_text(json.dumps(settings, indent=2) + "\n")


def test_ours_runs_after_an_upstream_provisioner(mngr: Mngr, work: Path) -> None:
    import claude_usage.mngr_plugin as ours

    local = work / ".claude/settings.local.json"
    local.write_text('{"statusLine": {"type": "command", "command": "echo mine"}}')
    # Registered after the stand-in, ours would be called first (pluggy calls LIFO)
    # but for trylast; then upstream's shim would end up wired.
    mngr.pm.unregister(ours)
    mngr.pm.register(StandInUpstream(), name="stand_in_upstream")
    mngr.pm.register(ours, name=clash.PLUGIN_NAME)
    try:
        agent = mngr.create_agent(work, "claude", "c5")
        mngr.provision(agent)
    finally:
        mngr.pm.unregister(name="stand_in_upstream")
    command = json.loads(local.read_text())["statusLine"]["command"]
    assert command.endswith("/commands/claude_usage.pyz statusline")
    sidecar = mngr.host_dir / "agents" / str(agent.id) / "commands/user_statusline_cmd"
    assert sidecar.read_text() == "echo mine"


def test_destroying_an_agent_preserves_its_events(mngr: Mngr, work: Path) -> None:
    agent = mngr.create_agent(work, "claude", "c4")
    mngr.provision(agent)
    events = paths.events_path(paths.agent_state_dir(mngr.host_dir, str(agent.id)))
    events.parent.mkdir(parents=True)
    events.write_bytes(b'{"source":"claude/usage","session_id":"s1"}\n{"torn')
    mngr.pm.hook.on_before_agent_destroy(agent=agent, host=mngr.host)
    preserved = mngr.host_dir / f"preserved/c4--{agent.id}/events/claude/usage/events.jsonl"
    assert preserved.read_bytes() == events.read_bytes()


def test_the_host_adapter_on_a_real_mngr_host(mngr: Mngr, tmp_path: Path) -> None:
    host = MngrHost(mngr.host)
    assert host.host_dir == Path(os.environ["MNGR_HOST_DIR"])
    path = tmp_path / "adapter" / "sub" / "file.json"
    host.write_file(path, b'{"a": 1}\r\n', 0o600)
    assert (path.read_bytes(), path.stat().st_mode & 0o777) == (b'{"a": 1}\r\n', 0o600)
    assert host.read_text_file(path) == '{"a": 1}\r\n'
    with pytest.raises(FileNotFoundError):
        host.read_text_file(tmp_path / "missing")
    assert host.list_names(path.parent) == ["file.json"]
    host.remove_file(path)
    host.remove_file(path)
    assert host.list_names(path.parent) == []


# `mngr usage`: the reader over mngr's own agent listing.

NOW_ENV = {"CLAUDE_USAGE_NOW": str(NOW)}


def plant_usage(
    mngr: Mngr, work: Path, name: str, usd: float, five_hour: float = 40, **labels: str
) -> Any:
    """A Claude agent of mngr's with one subscription session of `usd`."""
    from imbue.mngr.interfaces.host import AgentLabelOptions

    options = {"label_options": AgentLabelOptions(labels=labels)} if labels else {}
    agent = mngr.create_agent(work, "claude", name, **options)
    state = paths.agent_state_dir(mngr.host_dir, str(agent.id))
    use = windows(five_hour, 10)
    write_events(state, [event(NOW - 60, f"s-{name}", cost(usd), use, process=name)])
    return agent


@pytest.fixture
def mngr_cli() -> Any:
    """`mngr usage --detail ...` through mngr's real root command, in this process."""
    from click.testing import CliRunner
    from imbue.mngr.main import cli

    def run(*args: str) -> Any:
        return CliRunner().invoke(cli, ["usage", "--detail", *args], env=NOW_ENV)

    return run


def sessions_by_agent(output: str) -> dict[str, float]:
    sources = json.loads(output)["sources"]
    return {s["agent"]: s["cost"]["total_cost_usd"] for src in sources for s in src["sessions"]}


def test_mngr_usage_json_reports_mngr_agents_and_destroyed_ones(
    mngr: Mngr, work: Path, mngr_env: dict[str, str]
) -> None:
    plant_usage(mngr, work, "c1", 1.25)
    gone = plant_usage(mngr, work, "c2", 2.5)
    mngr.pm.hook.on_before_agent_destroy(agent=gone, host=mngr.host)
    mngr.host.destroy_agent(gone)
    done = run_mngr({**mngr_env, **NOW_ENV}, "usage", "--json", "--detail")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert list(report) == ["now", "since_seconds", "sources"]
    assert sessions_by_agent(done.stdout) == {"c1": 1.25, "c2": 2.5}
    (source,) = report["sources"]
    assert source["subscription_cost"]["total_cost_usd"] == 3.75
    assert source["five_hour"]["used_percentage"] == 40
    hosts = {s["host"] for s in source["sessions"]}
    assert hosts == {str(mngr.host.id)}  # the destroyed agent keeps its host, from the manifest


def test_mngr_usage_takes_mngrs_agent_filters(mngr: Mngr, work: Path, mngr_cli: Any) -> None:
    plant_usage(mngr, work, "c1", 1.0)
    plant_usage(mngr, work, "c2", 2.0, team="infra")
    assert sessions_by_agent(mngr_cli("--json").stdout) == {"c1": 1.0, "c2": 2.0}
    assert sessions_by_agent(mngr_cli("--json", "--label", "team=infra").stdout) == {"c2": 2.0}
    only = mngr_cli("--format", "json", "--include", 'name == "c1"')
    assert sessions_by_agent(only.stdout) == {"c1": 1.0}
    assert sessions_by_agent(mngr_cli("--json", "--exclude", 'name == "c1"').stdout) == {"c2": 2.0}
    assert sessions_by_agent(mngr_cli("--json", "--local", "--provider", "local").stdout) == {
        "c1": 1.0,
        "c2": 2.0,
    }
    assert sessions_by_agent(mngr_cli("--json", "--agent", "c2").stdout) == {"c2": 2.0}
    remote = mngr_cli("--json", "--remote")
    assert (remote.exit_code, json.loads(remote.stdout)["sources"]) == (0, [])
    assert "No usage data yet" in remote.stderr


def test_mngr_usage_filters_apply_to_destroyed_agents(
    mngr: Mngr, work: Path, mngr_cli: Any
) -> None:
    plant_usage(mngr, work, "c1", 1.0)
    gone = plant_usage(mngr, work, "c2", 2.0)
    mngr.pm.hook.on_before_agent_destroy(agent=gone, host=mngr.host)
    mngr.host.destroy_agent(gone)
    assert sessions_by_agent(mngr_cli("--json").stdout) == {"c1": 1.0, "c2": 2.0}
    assert sessions_by_agent(mngr_cli("--json", "--no-preserved").stdout) == {"c1": 1.0}
    assert sessions_by_agent(mngr_cli("--json", "--include", 'name == "c2"').stdout) == {"c2": 2.0}
    assert sessions_by_agent(mngr_cli("--json", "--running").stdout) == {}  # nothing runs


def test_mngr_usage_formats_and_errors(mngr: Mngr, work: Path, mngr_cli: Any) -> None:
    plant_usage(mngr, work, "c1", 1.0)
    human = mngr_cli()
    assert human.exit_code == 0
    assert human.stdout.startswith("[claude]\nsubscription cost (imputed): $1.00 (1m ago)\n")
    prometheus = mngr_cli("--format", "prometheus")
    assert (
        'claude_usage_cost_usd{source="claude",mode="subscription",agent="c1"' in prometheus.stdout
    )
    assert mngr_cli("--format", "jsonl").stdout.count("\n") == 1
    bad_cel = mngr_cli("--include", "name ===")
    assert bad_cel.exit_code != 0 and "Invalid include filter" in bad_cel.stderr
    assert mngr_cli("--since", "nope").exit_code == 2


def test_mngr_usage_rolls_up_the_agents_its_filters_select(
    mngr: Mngr, work: Path, mngr_cli: Any
) -> None:
    plant_usage(mngr, work, "c1", 1.0)
    plant_usage(mngr, work, "c2", 2.0, team="infra")
    done = mngr_cli("--json", "--by", "agent", "--by", "day")
    assert done.exit_code == 0, done.stderr
    rollup = json.loads(done.stdout)["rollup"]
    assert [(r["agent"], r["subscription_cost"]["total_cost_usd"]) for r in rollup["rows"]] == [
        ("c2", 2.0),
        ("c1", 1.0),
    ]
    assert [len(r["rows"]) for r in rollup["rows"]] == [1, 1]
    infra = json.loads(mngr_cli("--json", "--by", "agent", "--label", "team=infra").stdout)
    assert [r["agent"] for r in infra["rollup"]["rows"]] == ["c2"]
    table = mngr_cli("--by", "agent")
    assert table.exit_code == 0 and "c2" in table.stdout and "$3.00" in table.stdout
    assert mngr_cli("--by", "agent", "--format", "prometheus").exit_code == 2


def test_reading_events_through_an_mngr_host_object(mngr: Mngr, work: Path, tmp_path: Path) -> None:
    """The remote path (`read_from`) over a real mngr host: the same tally, new bytes only."""
    from claude_usage.reader.aggregate import tally_lines
    from claude_usage.reader.cache import TallyCache
    from claude_usage.reader.load import read_tally_from
    from claude_usage.reader.mngr_discover import read_tail, remote_sources

    agent = plant_usage(mngr, work, "c1", 1.0)
    events_dir = paths.agent_state_dir(mngr.host_dir, str(agent.id)) / "events"
    entries = mngr.host.list_directory(events_dir, recursive=True)
    ((source, path),) = remote_sources(events_dir, entries)
    assert (source, path) == ("claude", events_dir / "claude/usage/events.jsonl")
    offsets: list[int] = []

    def read_from(offset: int) -> tuple[int, bytes]:
        offsets.append(offset)
        return read_tail(mngr.host, path, offset)

    # More than the cache's anchor, so that resuming starts past the file's beginning.
    write_events(
        path.parents[3], [event(NOW - 50 + i, "s-c1", cost(1.0), process="c1") for i in range(5)]
    )
    cache = TallyCache(tmp_path / "cache")
    first = read_tally_from(read_from, "remote:" + str(path), cache)
    write_events(path.parents[3], [event(NOW, "s-c1", cost(1.5), process="c1")])
    second = read_tally_from(read_from, "remote:" + str(path), cache)
    assert second.to_state() == tally_lines(path.read_bytes()).to_state()
    assert first.to_state() != second.to_state()
    assert offsets[0] == 0 and offsets[1] > 0  # the second read started near the old end


def test_ours_wins_the_usage_command_over_upstreams(
    mngr_env: dict[str, str], tmp_path: Path
) -> None:
    # A stand-in for imbue-mngr-usage: an installed distribution whose mngr plugin
    # registers its own `usage` command.
    site = tmp_path / "site"
    info = site / "imbue_mngr_usage-0.2.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: imbue-mngr-usage\nVersion: 0.2.0\n"
    )
    (info / "entry_points.txt").write_text("[mngr]\nusage = stand_in_usage\n")
    (site / "stand_in_usage.py").write_text(
        "import click, pluggy\n"
        "@pluggy.HookimplMarker('mngr')\n"
        "def register_cli_commands():\n"
        "    return [click.Command('usage', help='UPSTREAM USAGE')]\n"
    )
    env = {**mngr_env, "PYTHONPATH": str(site)}
    listed = run_mngr(env, "plugin", "list", "--format", "json")
    names = {plugin["name"] for plugin in json.loads(listed.stdout)["plugins"]}
    assert {"usage", clash.PLUGIN_NAME} <= names  # both loaded
    done = run_mngr(env, "usage", "--json")
    assert done.returncode == 0, done.stderr
    assert list(json.loads(done.stdout)) == ["now", "since_seconds", "sources"]  # ours ran
    assert "warning: upstream imbue-mngr-usage 0.2.0 is installed" in done.stderr


def test_mngr_usage_shows_the_bar_on_a_terminal_unless_quiet(
    mngr_env: dict[str, str], tmp_path: Path
) -> None:
    big = generated_host(tmp_path / "big", 2, 5000)  # more than the bar's threshold
    mngr_bin = shutil.which("mngr", path=os.path.dirname(sys.executable))
    assert mngr_bin
    argv = [mngr_bin, "usage", "--host-dir", str(big), "--since", "30d", "--no-cache", "--json"]
    env = {**mngr_env, "CLAUDE_USAGE_NOW": str(NOW), "TERM": "xterm"}
    code, out, err = run_with_tty_stderr(argv, env, timeout=120)
    assert code == 0 and list(json.loads(out)) == ["now", "since_seconds", "sources"]
    bar, after = err.rsplit(b"\x1b[2K", 1)  # the bar, then cleared
    assert b"2/2 files" in bar and b"files" not in after
    code, quiet_out, quiet_err = run_with_tty_stderr([*argv, "-q"], env, timeout=120)
    assert (code, quiet_out) == (0, out) and b"files" not in quiet_err


# `mngr usage watch|wait|history`: the other reading commands, with the same agent filters.


@pytest.fixture
def mngr_usage() -> Any:
    """`mngr usage ...` (no option added) through mngr's real root command, in this process."""
    from click.testing import CliRunner
    from imbue.mngr.main import cli

    def run(*args: str) -> Any:
        return CliRunner().invoke(cli, ["usage", *args], env=NOW_ENV, prog_name="mngr")

    return run


def test_mngr_usage_lists_its_subcommands_and_each_has_mngrs_options(
    mngr_env: dict[str, str], mngr_usage: Any
) -> None:
    group = run_mngr(mngr_env, "usage", "--help")
    assert group.returncode == 0, group.stderr
    assert group.stdout.startswith("Usage: mngr usage [OPTIONS] [COMMAND] [ARGS]...\n")
    rows = group.stdout.split("\nCommands:\n", 1)[1].splitlines()
    assert [row.split()[0] for row in rows] == ["history", "wait", "watch"]
    for option in ("--detail", "--by", "Common:", "--format", "Filtering:", "--include"):
        assert option in group.stdout, option  # the report's options, as before
    for name, own in [
        ("watch", ("--interval", "--count", "--utc", "human only")),
        ("wait", ("--until EXPR", "--timeout", "--json", "print the report")),
        ("history", ("--window", "--output", "html for a page")),
    ]:
        done = mngr_usage(name, "--help")
        assert done.exit_code == 0, done.output
        assert done.stdout.startswith(f"Usage: mngr usage {name} [OPTIONS]")
        mngrs = ("Common:", "--format", "-S, --setting", "Filtering:", "--include", "--label")
        for option in (*own, "--since", "--agent", "--host-dir", *mngrs, "--provider"):
            assert option in done.stdout, (name, option)
        assert "--detail" not in done.stdout


def test_mngr_usage_watch_ticks_over_the_agents_its_filters_select(
    mngr: Mngr, work: Path, mngr_usage: Any
) -> None:
    plant_usage(mngr, work, "c1", 1.0)
    plant_usage(mngr, work, "c2", 2.0, team="infra")
    both = mngr_usage("watch", "--count", "1")
    assert both.exit_code == 0, both.stderr
    assert both.stdout.splitlines() == [
        "12-03 11:40 [claude] sub $3.00 (2) api – (0) 5h 40% 7d 10% · last hour sub $3.00 api –"
    ]
    # Every tick reads the agents mngr listed: without them the second would read the
    # default host dir, c1 too.
    infra = mngr_usage("watch", "--count", "2", "--interval", "0.1s", "--label", "team=infra")
    assert infra.exit_code == 0, infra.stderr
    line = "12-03 11:40 [claude] sub $2.00 (1) api – (0) 5h 40% 7d 10% · last hour sub $2.00 api –"
    assert infra.stdout.splitlines() == [line, line]
    assert mngr_usage("watch", "--count", "1", "--format", "json").exit_code == 2


def test_mngr_usage_watch_in_a_real_mngr_into_a_pipe(
    mngr: Mngr, work: Path, mngr_env: dict[str, str]
) -> None:
    plant_usage(mngr, work, "c1", 1.0)
    plant_usage(mngr, work, "c2", 2.0)
    env = {**mngr_env, **NOW_ENV}
    done = run_mngr(env, "usage", "watch", "--count", "1", "--include", 'name == "c1"')
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "12-03 11:40 [claude] sub $1.00 (1) api – (0) 5h 40% 7d 10% · last hour sub $1.00 api –\n"
    )


def test_mngr_usage_wait_matches_times_out_and_refuses_bad_cel(
    mngr: Mngr, work: Path, mngr_usage: Any
) -> None:
    plant_usage(mngr, work, "c1", 1.0)
    plant_usage(mngr, work, "c2", 2.0, team="infra")
    infra = ("--label", "team=infra")
    matched = mngr_usage(
        "wait", "--until", "session_count >= 1", "--timeout", "5s", "--json", *infra
    )
    assert matched.exit_code == 0, matched.stderr
    (source,) = json.loads(matched.stdout)["sources"]
    assert source["subscription_cost"]["total_cost_usd"] == 2.0
    as_format = mngr_usage("wait", "--until", "session_count >= 1", "--format", "jsonl", *infra)
    assert (as_format.exit_code, as_format.stdout) == (0, matched.stdout)
    quiet = mngr_usage("wait", "--until", "session_count >= 1")
    assert (quiet.exit_code, quiet.stdout) == (0, "")
    # $3 is both agents': the filtered wait never gets there, on any of its ticks.
    three = ("--until", "subscription_cost.total_cost_usd >= 3", "--interval", "0.2s")
    timed_out = mngr_usage("wait", *three, "--timeout", "1s", *infra)
    assert timed_out.exit_code == 2
    assert "timed out: 'subscription_cost.total_cost_usd >= 3' was still false after 1s" in (
        timed_out.stderr
    )
    assert mngr_usage("wait", *three, "--timeout", "5s").exit_code == 0
    bad = mngr_usage("wait", "--until", "session_count >=", "--timeout", "5s")
    assert (bad.exit_code, bad.stdout) == (1, "")
    assert "claude-usage: condition 'session_count >=': not valid CEL" in bad.stderr
    prometheus = mngr_usage("wait", "--until", "true", "--format", "prometheus")
    assert prometheus.exit_code == 2 and "Invalid value for --format" in prometheus.stderr


def test_mngr_usage_wait_in_a_real_mngr(mngr: Mngr, work: Path, mngr_env: dict[str, str]) -> None:
    plant_usage(mngr, work, "c1", 1.0)
    env = {**mngr_env, **NOW_ENV}
    done = run_mngr(env, "usage", "wait", "--until", "session_count >= 1", "--timeout", "5s")
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    bad = run_mngr(env, "usage", "wait", "--until", "session_count >=")
    assert bad.returncode == 1 and "not valid CEL" in bad.stderr


def test_mngr_usage_wait_ctrl_c_exits_130(
    mngr: Mngr, work: Path, mngr_env: dict[str, str], tmp_path: Path
) -> None:
    import signal
    import time

    plant_usage(mngr, work, "c1", 1.0)
    mngr_bin = shutil.which("mngr", path=os.path.dirname(sys.executable))
    assert mngr_bin
    cache = tmp_path / "wait-cache"
    env = {**mngr_env, **NOW_ENV, "CLAUDE_USAGE_CACHE_DIR": str(cache)}
    argv = [mngr_bin, "usage", "wait", "--until", "session_count > 1", "--interval", "0.2s"]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 60
        while not any(cache.rglob("*")):  # the first check wrote the cache: now it waits
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "wait never read the events"
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert (proc.returncode, out) == (130, b""), err
    assert b"Traceback" not in err


def test_mngr_usage_history_charts_the_agents_its_filters_select(
    mngr: Mngr, work: Path, mngr_usage: Any, tmp_path: Path
) -> None:
    plant_usage(mngr, work, "c1", 1.0, five_hour=40)
    plant_usage(mngr, work, "c2", 2.0, five_hour=70, team="infra")
    both = mngr_usage("history", "--window", "5h", "--since", "1h")
    assert both.exit_code == 0, both.stderr
    assert both.stdout.startswith("[claude]\n5h (account unknown): 70% now, peak 70%\n")
    c1 = mngr_usage("history", "--window", "5h", "--since", "1h", "--include", 'name == "c1"')
    assert c1.exit_code == 0, c1.stderr
    assert c1.stdout.startswith("[claude]\n5h (account unknown): 40% now, peak 40%\n")
    assert "7d" not in c1.stdout
    page = tmp_path / "usage.html"
    html = mngr_usage("history", "--format", "html", "-o", str(page), "--label", "team=infra")
    assert (html.exit_code, html.stdout) == (0, ""), html.stderr
    assert page.read_text().startswith("<!DOCTYPE html>") and "70%" in page.read_text()
    json_format = mngr_usage("history", "--format", "json")
    assert json_format.exit_code == 2 and "history draws charts" in json_format.stderr


def test_mngr_usage_options_go_after_the_subcommand(mngr_usage: Any) -> None:
    done = mngr_usage("--since", "1h", "watch", "--count", "1")
    assert (done.exit_code, done.stdout) == (2, "")
    assert "give options after the subcommand: mngr usage watch --since" in done.stderr
