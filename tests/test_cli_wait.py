"""`claude-usage wait` as a real process: match, timeout, errors, --json, source options."""

from __future__ import annotations

import json
import signal
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from claude_usage.shim.append import append_event
from claude_usage.shim.events import format_timestamp
from claude_usage.shim.record import event_body, event_head

from .conftest import console_script
from .plant import NOW, agent_dir, cost, event, upstream_example, windows, write_events

PROCESS = "linux:boot0000:100:1"
# A few seconds at most for anything that should be quick; processes start in well under one.
QUICK = 15


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CLAUDE_USAGE_NOW", str(NOW))
    monkeypatch.setenv("CLAUDE_USAGE_CACHE_DIR", str(tmp_path / "cache"))


def command(*args: str) -> list[str]:
    return [console_script(), *args]


def run(*args: str, timeout: float = QUICK) -> subprocess.CompletedProcess:
    return subprocess.run(command(*args), capture_output=True, text=True, timeout=timeout)


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def shim_append(path: Path, at: float, session_id: str, usage: Any = None, limits: Any = None):
    """One line written the way the status-line shim writes it (record + append)."""
    payload = {
        "session_id": session_id,
        "cost": usage,
        "rate_limits": limits,
        "model": {"id": "claude-opus-5"},
        "version": "2.1.240",
    }
    head = event_head(uuid.uuid4().hex, format_timestamp(int(at * 1e9))).encode()
    body = event_body(payload, "vm", PROCESS, [], None).encode()
    assert append_event(bytes(path), head, body, b"9")  # "9...": never a repeat


def api_agent(tmp_path: Path, usd: float = 1.0) -> tuple[Path, Path]:
    """A host dir with one API-key agent whose session has cost `usd`; and its events file."""
    host = tmp_path / "host"
    path = write_events(agent_dir(host, "agent-api", "api"), [event(NOW - 60, "s-1", cost(usd))])
    return host, path


def wait_for_first_tick(tmp_path: Path, proc: subprocess.Popen) -> None:
    # The first report writes the incremental cache: from then on the process is waiting.
    deadline = time.monotonic() + QUICK
    while not any((tmp_path / "cache").rglob("*")):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "wait never read the events"
        time.sleep(0.05)


def test_matched_at_once_exits_0_and_prints_nothing(tmp_path: Path) -> None:
    host, _ = api_agent(tmp_path, 6.0)
    done = run("wait", "--until", "api_cost.total_cost_usd > 5", "--host-dir", str(host))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_json_prints_the_report_that_matched_as_the_report_command_does(tmp_path: Path) -> None:
    upstream_example(tmp_path / "host")
    args = ["--host-dir", str(tmp_path / "host")]
    done = run("wait", "--until", "five_hour.used_percentage == 44", "--json", *args)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1 and done.stdout.endswith("}\n")
    assert done.stdout == run("--json", *args).stdout
    assert json.loads(done.stdout)["sources"][0]["five_hour"]["used_percentage"] == 44.0


def test_matched_after_an_event_is_appended_while_waiting(tmp_path: Path) -> None:
    host, path = api_agent(tmp_path, 1.0)
    proc = start(
        "wait", "--until", "api_cost.total_cost_usd > 5", "--interval", "0.2s", "--timeout",
        "30", "--json", "--host-dir", str(host),
    )  # fmt: skip
    try:
        wait_for_first_tick(tmp_path, proc)
        time.sleep(0.5)  # a few ticks that do not match
        assert proc.poll() is None
        shim_append(path, NOW - 5, "s-1", cost(6.25))
        appended = time.monotonic()
        out, err = proc.communicate(timeout=QUICK)
    finally:
        proc.kill()
    assert (proc.returncode, err) == (0, "")
    assert time.monotonic() - appended < 5
    assert json.loads(out)["sources"][0]["api_cost"]["total_cost_usd"] == 6.25


def test_timed_out_exits_2_with_one_line(tmp_path: Path) -> None:
    host, _ = api_agent(tmp_path, 1.0)
    started = time.monotonic()
    done = run(
        "wait", "--until", "api_cost.total_cost_usd > 5", "--timeout", "1", "--interval", "0.3s",
        "--host-dir", str(host),
    )  # fmt: skip
    took = time.monotonic() - started
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "claude-usage: timed out: 'api_cost.total_cost_usd > 5' was still false after 1s\n"
    )
    assert 1 <= took < 1 + QUICK


def test_an_invalid_expression_fails_at_once_without_waiting(tmp_path: Path) -> None:
    host, _ = api_agent(tmp_path)
    # No --timeout: if it waited, it would wait until the subprocess timeout fails the test.
    done = run("wait", "--until", "five_hour.used_percentage <", "--host-dir", str(host))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "claude-usage: condition 'five_hour.used_percentage <': not valid CEL: "
        "the expression ends too early at column 28:\n"
        "  five_hour.used_percentage <\n"
        "                             ^\n"
    )
    assert not (tmp_path / "cache").exists()  # failed before reading anything


def test_a_non_boolean_condition_is_an_error(tmp_path: Path) -> None:
    host, _ = api_agent(tmp_path)
    done = run("wait", "--until", "api_cost.total_cost_usd", "--host-dir", str(host))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith(
        "claude-usage: condition 'api_cost.total_cost_usd': gives double 1.0, not true or false"
    )
    assert "Traceback" not in done.stderr


def test_an_evaluation_error_is_warned_once_and_waiting_goes_on(tmp_path: Path) -> None:
    # Only the five-hour window is recorded so far: `seven_day` is not a name yet.
    host = tmp_path / "host"
    path = write_events(
        agent_dir(host, "agent-sub", "sub"), [event(NOW - 60, "s-1", cost(1.0), windows(30))]
    )
    proc = start(
        "wait", "--until", "seven_day.used_percentage < 50", "--interval", "0.2s", "--timeout",
        "30", "--host-dir", str(host),
    )  # fmt: skip
    try:
        first = proc.stderr.readline()  # blocks until the first tick has warned
        assert first.startswith(
            "warning: condition 'seven_day.used_percentage < 50': unknown name 'seven_day'"
        )
        assert first.rstrip().endswith("counted as false, still waiting:")
        time.sleep(1)  # several more ticks with the same error
        assert proc.poll() is None
        shim_append(path, NOW - 5, "s-1", cost(1.5), windows(31, 12))
        proc.wait(timeout=QUICK)
        # not communicate(): it would skip what readline already buffered
        out, rest = proc.stdout.read(), proc.stderr.read()
    finally:
        proc.kill()
    assert (proc.returncode, out) == (0, "")
    stderr = first + rest
    assert stderr.count("unknown name 'seven_day'") == 1
    assert stderr == first + "  seven_day.used_percentage < 50\n  ^\n"


def test_reader_warnings_are_printed_once_not_every_tick(tmp_path: Path) -> None:
    host = tmp_path / "host"
    write_events(
        agent_dir(host, "agent-bad", "bad"),
        [event(NOW - 60, "s-1", cost(1.0))],
        raw=b"{torn\n" * 3,
    )
    done = run(
        "wait", "--until", "api_cost.total_cost_usd > 5", "--timeout", "1.2s", "--interval",
        "0.2s", "--host-dir", str(host),
    )  # fmt: skip
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert sum("skipped 3 malformed line(s)" in line for line in lines) == 1, done.stderr
    assert lines[-1].startswith("claude-usage: timed out:")


def test_no_data_gives_the_hint_once(tmp_path: Path) -> None:
    done = run(
        "wait", "--until", "five_hour.used_percentage < 50", "--timeout", "1", "--interval",
        "0.2s", "--host-dir", str(tmp_path / "empty"),
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("No usage data yet") == 1
    assert done.stderr.count("unknown name 'five_hour' (names: now, since_seconds, sources)") == 2
    # ... once as the warning, once in the timeout line
    assert done.stderr.splitlines()[-1].endswith(
        "(last error: unknown name 'five_hour' (names: now, since_seconds, sources) at column 1)"
    )


@pytest.mark.parametrize(
    ("options", "until", "expected"),
    [
        pytest.param([], "session_count == 3", 0, id="all-agents"),
        pytest.param(["--agent", "beta"], "session_count == 1", 0, id="agent"),
        pytest.param(["--agent", "beta"], "session_count == 3", 2, id="agent-excludes"),
        pytest.param(["--since", "3000"], "session_count == 2", 0, id="since"),
        pytest.param(
            ["--since", "3000"], "api_cost.total_cost_usd == 2.5", 0, id="since-keeps-beta"
        ),
        pytest.param(["--no-preserved"], "session_count == 3", 0, id="no-preserved"),
    ],
)
def test_source_options_are_the_reports(
    tmp_path: Path, options: list[str], until: str, expected: int
) -> None:
    upstream_example(tmp_path / "host")
    args = ["--host-dir", str(tmp_path / "host"), "--timeout", "0.5s", "--interval", "0.2s"]
    done = run("wait", "--until", until, *args, *options)
    assert done.returncode == expected, done.stderr


def test_events_option_reads_only_that_file(tmp_path: Path) -> None:
    upstream_example(tmp_path / "host")
    alpha = next(p for p in (tmp_path / "host").rglob("events.jsonl") if "agent-aaa" in str(p))
    args = ["--events", str(alpha), "--timeout", "0.5s", "--interval", "0.2s"]
    assert run("wait", "--until", "session_count == 2", *args).returncode == 0
    assert run("wait", "--until", "session_count == 3", *args).returncode == 2


def test_any_source_with_exists(tmp_path: Path) -> None:
    host, _ = api_agent(tmp_path, 6.0)
    write_events(
        agent_dir(host, "agent-api", "api"), [], source="other"
    )  # a second, empty source folder changes nothing
    until = "sources.exists(s, s.api_cost.total_cost_usd > 5)"
    assert run("wait", "--until", until, "--host-dir", str(host)).returncode == 0


@pytest.mark.parametrize("option", ["--interval", "--timeout"])
@pytest.mark.parametrize("value", ["0", "0s", "soon", "-1"])
def test_bad_durations_are_usage_errors(tmp_path: Path, option: str, value: str) -> None:
    done = run("wait", "--until", "true", option, value, "--host-dir", str(tmp_path))
    assert done.returncode == 2 and "invalid duration" in done.stderr and done.stdout == ""


def test_ctrl_c_exits_130_without_a_traceback(tmp_path: Path) -> None:
    host, _ = api_agent(tmp_path, 1.0)
    proc = start("wait", "--until", "api_cost.total_cost_usd > 5", "--host-dir", str(host))
    try:
        wait_for_first_tick(tmp_path, proc)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=QUICK)
    finally:
        proc.kill()
    assert (proc.returncode, out, err) == (130, "", "")


def test_help_names_the_exit_codes() -> None:
    done = run("wait", "--help")
    assert done.returncode == 0
    assert "--until EXPR" in done.stdout and "exit 2 on --timeout" in done.stdout
