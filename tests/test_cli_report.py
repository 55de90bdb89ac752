"""`claude-usage` (report): options, formats, clock, exit codes, stdout vs stderr."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from claude_usage.cli.app import app

from .conftest import ORIGINAL_HOME, console_script
from .plant import NOW, agent_dir, cost, event, upstream_example, windows, write_events
from .strategies import numbers
from .test_render import UPSTREAM_DETAIL_TEXT

runner = CliRunner()


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUDE_USAGE_NOW", str(NOW))


@pytest.fixture
def host(tmp_path: Path) -> Path:
    upstream_example(tmp_path / "host")
    return tmp_path / "host"


def run(*args: str):
    return runner.invoke(app, list(args))


def test_default_command_is_the_report(host: Path) -> None:
    result = run("--host-dir", str(host), "--detail")
    assert result.exit_code == 0
    assert result.stdout == UPSTREAM_DETAIL_TEXT
    assert result.stderr == "warning: [claude] snapshot last updated 10m ago\n"
    assert run("report", "--host-dir", str(host), "--detail").stdout == UPSTREAM_DETAIL_TEXT


def test_json_flag_and_formats(host: Path) -> None:
    as_json = run("--host-dir", str(host), "--json")
    assert as_json.exit_code == 0 and json.loads(as_json.stdout)["now"] == NOW
    assert run("--host-dir", str(host), "--format", "json").stdout == as_json.stdout
    jsonl = run("--host-dir", str(host), "--format", "jsonl").stdout
    assert jsonl == as_json.stdout and jsonl.count("\n") == 1
    prom = run("--host-dir", str(host), "--format", "prometheus").stdout
    assert "claude_usage_window_used_percent" in prom
    assert "warning" not in as_json.stdout + prom


@pytest.mark.parametrize("option", ["--since", "--stale-after"])
@pytest.mark.parametrize("value", ["0", "1.5h", "forever", "5m1h"])
def test_bad_durations_are_usage_errors(host: Path, option: str, value: str) -> None:
    result = run("--host-dir", str(host), option, value)
    assert result.exit_code == 2
    assert "invalid duration" in result.stderr and result.stdout == ""


def test_durations(host: Path) -> None:
    assert (
        json.loads(run("--host-dir", str(host), "--json", "--since", "1h30m").stdout)[
            "since_seconds"
        ]
        == 5400
    )
    data = json.loads(run("--host-dir", str(host), "--json", "--since", "3000").stdout)
    assert data["sources"][0]["session_count"] == 2  # the session last seen 95 minutes ago is out


def test_bad_clock_is_a_clear_error(host: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUDE_USAGE_NOW", "yesterday")
    result = run("--host-dir", str(host))
    assert result.exit_code == 1 and "CLAUDE_USAGE_NOW" in result.stderr and result.stdout == ""


def test_no_data_is_a_hint_on_stderr_and_exit_0(tmp_path: Path) -> None:
    human = run("--host-dir", str(tmp_path))
    assert (human.exit_code, human.stdout) == (0, "")
    assert "No usage data yet" in human.stderr
    as_json = run("--host-dir", str(tmp_path), "--json")
    assert json.loads(as_json.stdout) == {"now": NOW, "since_seconds": 86400, "sources": []}
    assert "No usage data yet" in as_json.stderr


def test_skipped_lines_are_one_warning_per_file(tmp_path: Path) -> None:
    a = agent_dir(tmp_path, "agent-1")
    write_events(a, [event(NOW - 10, "s", cost(1.0))], raw=b"{torn\n" * 500 + b"[1]\n")
    write_events(a, [{"timestamp": "2026-12-03T11:00:00Z", "cost": {}}])
    result = run("--host-dir", str(tmp_path), "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["sources"][0]["session_count"] == 1
    lines = result.stderr.splitlines()
    assert sum("skipped 501 malformed line(s)" in line for line in lines) == 1
    assert sum("dropped 1 event(s) without a session_id" in line for line in lines) == 1


def test_agent_filter_events_paths_and_preserved(tmp_path: Path) -> None:
    upstream_example(tmp_path)
    beta = json.loads(run("--host-dir", str(tmp_path), "--json", "--agent", "beta").stdout)
    assert beta["sources"][0]["session_count"] == 1
    files = sorted(tmp_path.rglob("events.jsonl"))
    one = json.loads(run("--events", str(files[0]), "--json").stdout)
    assert one["sources"][0]["session_count"] == 2
    gone = tmp_path / "preserved" / "gamma--agent-gone"
    write_events(gone, [event(NOW - 100, "preserved-session", cost(7.0))])
    with_preserved = json.loads(run("--host-dir", str(tmp_path), "--json").stdout)
    without = json.loads(run("--host-dir", str(tmp_path), "--json", "--no-preserved").stdout)
    assert with_preserved["sources"][0]["session_count"] == 4
    assert without["sources"][0]["session_count"] == 3


def test_default_host_dirs_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MNGR_HOST_DIR", str(tmp_path / "mngr"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    write_events(agent_dir(tmp_path / "mngr", "agent-m"), [event(NOW - 10, "m", cost(1.0))])
    write_events(
        tmp_path / "state" / "claude-usage" / "agents" / "default",
        [event(NOW - 10, "d", cost(2.0), process="p2")],
    )
    data = json.loads(run("--json").stdout)
    assert data["sources"][0]["session_count"] == 2


def test_windows_only_source(tmp_path: Path) -> None:
    write_events(agent_dir(tmp_path, "agent-1"), [event(NOW - 10, "s", None, windows(33))])
    result = run("--host-dir", str(tmp_path))
    assert result.stdout == "[claude]\n5h: 33% used, resets in 3h 20m\n"


def test_installed_console_script_in_a_subprocess(host: Path, tmp_path: Path) -> None:
    script = console_script()
    env = {
        **os.environ,
        "CLAUDE_USAGE_NOW": str(NOW),
        "CLAUDE_USAGE_CACHE_DIR": str(tmp_path / "cache"),
    }
    done = subprocess.run(
        [script, "--host-dir", str(host), "--detail"], capture_output=True, text=True, env=env
    )
    assert (done.returncode, done.stdout) == (0, UPSTREAM_DETAIL_TEXT)
    again = subprocess.run(
        [script, "--host-dir", str(host), "--json"], capture_output=True, text=True, env=env
    )
    assert json.loads(again.stdout)["sources"][0]["session_count"] == 3
    assert any((tmp_path / "cache").rglob("*.json"))  # the incremental cache was used
    bad = subprocess.run([script, "--since", "nope"], capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_the_readmes_demo_on_the_bundled_example(monkeypatch: pytest.MonkeyPatch) -> None:
    # The README's first command, as a newcomer runs it (uv's cache in the real HOME).
    root = Path(__file__).parents[1]
    monkeypatch.delenv("CLAUDE_USAGE_NOW")
    env = {**os.environ, "HOME": ORIGINAL_HOME}
    done = subprocess.run(
        [str(root / "scripts" / "demo")], capture_output=True, text=True, env=env, timeout=300
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (root / "tests" / "data" / "example-report.txt").read_text()


def fuzz_event(at, sid, usd, ms, used, resets, odd_rate_limits, process) -> dict:
    rate_limits = {"five_hour": {"used_percentage": used, "resets_at": resets}}
    if odd_rate_limits is not None:
        rate_limits = odd_rate_limits
    return event(NOW - at, sid, cost(usd, ms), rate_limits, process=process)


odd_rate_limits = [None, None, None, {}, {"five_hour": 5, "seven_day": "x"}, {"five_hour": None}]
raw_events = st.lists(
    st.builds(
        fuzz_event,
        st.integers(0, 3 * 86400),
        st.sampled_from(["s-1", "s-2", ""]),
        numbers,
        numbers,
        numbers,
        numbers,
        st.sampled_from([*odd_rate_limits, [1]]),
        st.sampled_from(["p1", "p2", None]),
    ),
    max_size=12,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw_events)
def test_any_events_give_every_format_and_exit_0(tmp_path: Path, events: list[dict]) -> None:
    # Numbers of every kind the writer may pass on (huge ints, floats, strings) reach
    # every renderer, with the cache written and read back.
    host = tmp_path / f"host-{len(list(tmp_path.iterdir()))}"
    write_events(agent_dir(host, "agent-fuzz"), events)
    for args in (["--json"], ["--json"], ["--format", "prometheus"], ["--detail"]):
        result = run("--host-dir", str(host), "--since", "7d", *args)
        assert result.exit_code == 0, result.output
        if args == ["--json"]:
            assert json.loads(result.stdout)["now"] == NOW
        if args[-1] == "prometheus":
            list(text_string_to_metric_families(result.stdout))


def test_a_raw_line_separator_inside_a_string_stays_in_its_line(tmp_path: Path) -> None:
    # Upstream's jq writer leaves U+2028 raw; splitting at it (str.splitlines) would cut
    # the event in two (SPEC §8). Here: in a session id and in a tail string.
    host = tmp_path / "host"
    lines = [
        event(NOW - 20, "s\u2028one", cost(1.0), model="opus\u2028x"),
        event(NOW - 10, "s\u2028one", cost(1.5), model="opus\u2028x"),
    ]
    path = write_events(agent_dir(host, "agent-ls"), [])
    path.write_bytes(b"".join(json.dumps(e, ensure_ascii=False).encode() + b"\n" for e in lines))
    assert "\u2028".encode() in path.read_bytes()
    result = run("--host-dir", str(host), "--json", "--detail")
    assert (result.exit_code, result.stderr) == (0, "")
    (session,) = json.loads(result.stdout)["sources"][0]["sessions"]
    assert (session["session_id"], session["cost"]["total_cost_usd"]) == ("s\u2028one", 1.5)


def test_the_same_agent_id_on_two_hosts_is_two_agents_in_the_report(tmp_path: Path) -> None:
    for host, usd in (("h1", 1.0), ("h2", 2.0)):
        (tmp_path / host).mkdir()
        (tmp_path / host / "host_id").write_text(host)
        state = agent_dir(tmp_path / host, "agent-same", "same")
        write_events(state, [event(NOW - 10, "s-same", cost(usd), process="linux:b:1:1")])
    args = ["--host-dir", str(tmp_path / "h1"), "--host-dir", str(tmp_path / "h2")]
    result = run(*args, "--json", "--detail")
    sessions = json.loads(result.stdout)["sources"][0]["sessions"]
    assert sorted((s["host"], s["cost"]["total_cost_usd"]) for s in sessions) == [
        ("h1", 1.0),
        ("h2", 2.0),
    ]


def test_an_events_path_that_is_not_read_is_a_warning(tmp_path: Path) -> None:
    real = write_events(agent_dir(tmp_path / "host", "agent-r"), [event(NOW - 10, "s", cost(1))])
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    result = run("--events", str(link), "--events", str(tmp_path / "missing.jsonl"), "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["sources"] == []
    assert f"warning: skipped {link}: a symlink (only regular files are read)" in result.stderr
    assert f"skipped {tmp_path / 'missing.jsonl'}: no such file or folder" in result.stderr
