"""`claude-usage watch`: a line per tick into a pipe, a frame redrawn on a terminal, Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claude_usage.cli.app import app
from claude_usage.reader.render.watch_text import recent_start

from .conftest import console_script
from .plant import NOW, cost, event, upstream_example, windows, write_events
from .terminal import OnTerminal

ALPHA = "agent-" + "a" * 32
# UPSTREAM.md §5.7's example at 11:40: alpha's second session ($0.81 at 11:00) and beta's
# API-key session ($2.50 at 11:30) are in the last hour (from 10:30); alpha's first is not.
FIRST_LINE = (
    "12-03 11:40 [claude] sub $1.23 (2) api $2.50 (1) 5h 44% 7d 13% · last hour sub $0.81 api $2.50"
)
AFTER_ONE_MORE = (
    "12-03 11:40 [claude] sub $1.50 (2) api $2.50 (1) 5h 45% 7d 13% · last hour sub $1.08 api $2.50"
)


@pytest.fixture
def host(tmp_path: Path) -> Path:
    upstream_example(tmp_path / "host")
    return tmp_path / "host"


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CLAUDE_USAGE_NOW": str(NOW),
        "CLAUDE_USAGE_CACHE_DIR": str(tmp_path / "cache"),
    }


def _watch(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [console_script(), "watch", *args],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=30,
    )


def _one_more_render(host: Path) -> None:
    write_events(
        host / "agents" / ALPHA,
        [event(NOW - 60, "9a8b7c6d-bbbb-4ccc-8ddd-000000000002", cost(1.50), windows(45, 13))],
    )


def test_into_a_pipe_a_line_per_tick_with_the_new_events(host: Path, tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [console_script(), "watch", "--host-dir", str(host), "--interval", "1s", "--count", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(tmp_path),
    )
    first = proc.stdout.readline()  # type: ignore[union-attr]
    _one_more_render(host)  # between the first tick and the second
    rest, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert [first, rest] == [FIRST_LINE + "\n", AFTER_ONE_MORE + "\n"]
    assert "\x1b" not in first + rest  # no terminal codes into a pipe


def test_on_a_terminal_the_frame_is_redrawn_in_place_until_ctrl_c(
    host: Path, tmp_path: Path
) -> None:
    env = {**_env(tmp_path), "TERM": "xterm", "COLUMNS": "100", "LINES": "40"}
    env.pop("NO_COLOR", None)
    term = OnTerminal(
        [console_script(), "watch", "--host-dir", str(host), "--interval", "0.3s"], env
    )
    first = term.read_until(b"top agents since 10:30")
    assert b"claude-usage watch \xc2\xb7 12-03 11:40 \xc2\xb7 every 0.3s" in first
    assert b"5h: 44% used, resets in 3h 20m" in first
    _one_more_render(host)
    later = term.read_until(b"5h: 45% used")
    assert b"\x1b[1A\x1b[2K" in later[len(first) :]  # the old frame is erased, not scrolled
    frame = later.rsplit(b"claude-usage watch", 1)[1]
    assert b"subscription cost (imputed): $1.50 across 2 sessions" in frame
    assert b"  beta" in frame and b"$2.50" in frame and b"alpha" in frame
    term.proc.send_signal(signal.SIGINT)
    assert term.finish() == 0
    assert b"Traceback" not in term.output and b"KeyboardInterrupt" not in term.output


def test_watch_takes_the_reports_source_options(host: Path, tmp_path: Path) -> None:
    done = _watch(tmp_path, "--host-dir", str(host), "--agent", "beta", "--count", "1")
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout == "12-03 11:40 [claude] sub – (0) api $2.50 (1) · last hour sub – api $2.50\n"
    )


def test_no_data_yet_and_reader_warnings_are_said_once(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    done = _watch(tmp_path, "--host-dir", str(empty), "--count", "1")
    assert (done.returncode, done.stdout) == (
        0,
        "12-03 11:40 no usage data yet · last hour sub – api –\n",
    )
    host = tmp_path / "torn"
    upstream_example(host)
    write_events(host / "agents" / ALPHA, [], raw=b"{not json\n")
    done = _watch(tmp_path, "--host-dir", str(host), "--count", "3", "--interval", "0.1s")
    assert done.returncode == 0
    assert done.stderr.count("skipped 1 malformed line(s)") == 1
    assert done.stdout.count("\n") == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [(("--interval", "soon"), "invalid duration"), (("--count", "0"), "0 is not in the range")],
)
def test_bad_options_are_usage_errors(args: tuple[str, ...], message: str) -> None:
    result = CliRunner().invoke(app, ["watch", *args])
    assert result.exit_code == 2 and message in result.stderr


@pytest.mark.parametrize(
    ("now", "start"),
    [
        (NOW, NOW - 4200),  # 11:40 -> 10:30
        (NOW - 2400, NOW - 2400 - 3600),  # 11:00 -> 10:00, a quarter hour itself
        (NOW + 899, NOW - 3300),  # 11:54:59 -> 10:45
    ],
)
def test_the_last_hour_starts_at_a_quarter_hour(now: int, start: int) -> None:
    assert recent_start(now) == start and start % 900 == 0 and now - 4500 < start <= now - 3600
