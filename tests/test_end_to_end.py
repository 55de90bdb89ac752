"""End to end, no mocks: provision a work dir, then render as Claude Code does.

Claude Code runs `statusLine.command` with `sh -c`, the payload on stdin, in the work
dir (CLAUDE_STATUSLINE.md §2.2). Each test provisions, renders real payloads several
times, and checks what was printed and what the events file holds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claude_usage.provision import paths
from claude_usage.provision.host import LocalHost
from claude_usage.provision.install import install, mngr_agent_target
from claude_usage.shim.events import decorate_rate_limits
from claude_usage.shim.record import should_record

from .conftest import DATA, read_events
from .test_cli_install import run_script
from .test_summary_line import GOLDEN

# A session's first render (cost 0, no windows yet), its later render, an API-key
# session without windows (another Claude Code), and another subscription session.
RENDERS = [
    "real-v2.1.226-windows-first-render",
    "real-v2.1.226-windows-later-render-subscription",
    "constructed-v2.1.240-api-key-no-rate-limits",
    "real-v2.1.228-subscription-1m-context-sanitized",
]


def status_line_command(settings: Path) -> str:
    return json.loads(settings.read_text())["statusLine"]["command"]


API_KEY_RENDER = "constructed-v2.1.240-api-key-no-rate-limits"
# Claude Code with an API key: another process (the shim keys events by the nearest
# process that is not a shell), with the key's name in its environment.
OTHER_CLAUDE = "import subprocess,sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)"


def render(command: str, payload: bytes, work: Path, env: dict[str, str], api: bool) -> bytes:
    """One render, as Claude Code runs it; returns the status line printed."""
    argv = ["sh", "-c", command]
    if api:
        argv = [sys.executable, "-c", OTHER_CLAUDE, *argv]
        env = {**env, "ANTHROPIC_API_KEY": "sk-test-never-recorded"}
    done = subprocess.run(argv, input=payload, cwd=work, env=env, capture_output=True, timeout=30)
    assert (done.returncode, done.stderr) == (0, b"")
    return done.stdout


def render_all(command: str, work: Path, env: dict[str, str]) -> list[tuple[bytes, bytes]]:
    """Each of RENDERS once: (payload, status line printed)."""
    out = []
    for name in RENDERS:
        data = (DATA / "payloads" / f"{name}.json").read_bytes()
        out.append((data, render(command, data, work, env, api=name == API_KEY_RENDER)))
    return out


def credited(payloads: list[dict]) -> dict[str, float]:
    """What SPEC §7 credits each session of one process: the increases of its counter."""
    out: dict[str, float] = {}
    before = None
    for payload in payloads:
        usd = payload["cost"]["total_cost_usd"]
        step = usd if before is None or usd < before else usd - before
        out[payload["session_id"]] = out.get(payload["session_id"], 0) + step
        before = usd
    return out


def check_report(report: dict, payloads: list[dict]) -> None:
    """The reader's view of those renders: each session's share of its process's counter,
    the subscription process imputed, the API-key one billable."""
    (source,) = report["sources"]
    sessions = {s["session_id"]: s for s in source["sessions"]}
    recorded = [p for p in payloads if should_record(p)]
    api_key = json.loads((DATA / "payloads" / f"{API_KEY_RENDER}.json").read_bytes())
    api = [p for p in recorded if p == api_key]
    subscription = [p for p in recorded if p != api_key]
    assert len(api) == 1 and len(subscription) == 3
    want = {**credited(subscription), **credited(api)}
    assert {sid: s["cost"]["total_cost_usd"] for sid, s in sessions.items()} == pytest.approx(want)
    assert {sid: s["cost_mode"] for sid, s in sessions.items()} == {
        p["session_id"]: "SUBSCRIPTION" if p in subscription else "API_KEY" for p in recorded
    }
    assert sessions[api[0]["session_id"]]["cost_mode_evidence"] == "auth_env"
    assert len({s["process"] for s in sessions.values()}) == 2
    assert source["subscription_cost"]["total_cost_usd"] == pytest.approx(
        sum(credited(subscription).values())
    )
    assert source["api_cost"]["total_cost_usd"] == pytest.approx(api[0]["cost"]["total_cost_usd"])
    latest = [p["rate_limits"] for p in recorded if p.get("rate_limits")][-1]
    for key in ("five_hour", "seven_day"):
        assert source[key]["used_percentage"] == latest[key]["used_percentage"]
        assert source[key]["resets_at"] == latest[key]["resets_at"]


def check_events(state_dir: Path, payloads: list[dict]) -> None:
    """One event per recordable render, carrying its session, cost and windows."""
    recorded = [p for p in payloads if should_record(p)]
    events = read_events(state_dir)
    assert [e["session_id"] for e in events] == [p["session_id"] for p in recorded]
    assert [e["cost"] for e in events] == [p["cost"] for p in recorded]
    assert [e["rate_limits"] for e in events] == [
        decorate_rate_limits(p.get("rate_limits")) for p in recorded
    ]
    # The API-key render names the variable and never records its value.
    assert [e["auth"]["env"] for e in events if e["rate_limits"] is None][-1] == [
        "ANTHROPIC_API_KEY"
    ]
    assert "sk-test-never-recorded" not in json.dumps(events)
    windows = [e["rate_limits"] for e in events if e["rate_limits"]]
    assert [w["five_hour"]["used_percentage"] for w in windows] == [7.000000000000001, 52]
    assert {w["seven_day"]["window_seconds"] for w in windows} == {604800}


def test_standalone_project_install_then_renders(hermetic_env: Path, tmp_path: Path) -> None:
    work = tmp_path / "a 'quoted' work dir"
    work.mkdir()
    # The user's own status line, at user level: it must keep showing, with our stdin.
    user = hermetic_env / ".claude" / "settings.json"
    user.parent.mkdir()
    user.write_text(
        json.dumps({"statusLine": {"type": "command", "command": "printf 'mine '; wc -c"}})
    )
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / 'state "$HOME" `x`')}
    done = run_script("install", "--project", str(work), env=env)
    assert done.returncode == 0, done.stderr
    command = status_line_command(work / ".claude" / "settings.local.json")

    payloads = []
    for data, printed in render_all(command, work, env):
        assert printed == b"mine %d\n" % len(data)
        payloads.append(json.loads(data))
    host_dir = paths.standalone_host_dir(env)
    check_events(paths.agent_state_dir(host_dir, paths.project_agent_name(work)), payloads)
    # The reader finds the standalone install's events by default.
    report = run_script("--json", "--detail", env=env)
    assert report.returncode == 0, report.stderr
    check_report(json.loads(report.stdout), payloads)


def test_mngr_agent_install_then_renders(tmp_path: Path) -> None:
    host_dir = tmp_path / "mngr host"
    work = tmp_path / "work"
    agent = "agent-" + "e2e0" * 8
    target = mngr_agent_target(host_dir, agent, work, os.environ)
    install(LocalHost(host_dir), target)
    command = status_line_command(work / ".claude" / "settings.local.json")
    # mngr starts every agent with its state dir in the environment.
    env = {**os.environ, "MNGR_AGENT_STATE_DIR": str(target.state_dir)}

    payloads = []
    for name, (data, printed) in zip(RENDERS, render_all(command, work, env), strict=True):
        # No command of the user's: the built-in line.
        assert printed.decode() == GOLDEN[name] + "\n"
        payloads.append(json.loads(data))
    again = render(command, data, work, env, api=False)  # unchanged: no new line
    assert again.decode() == GOLDEN[RENDERS[-1]] + "\n"
    check_events(target.state_dir, payloads)
    report = run_script("--json", "--detail", "--host-dir", str(host_dir))
    assert report.returncode == 0, report.stderr
    check_report(json.loads(report.stdout), payloads)
