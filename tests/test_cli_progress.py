"""The progress bar: on a terminal's stderr for a big read, cleared after; nothing otherwise."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from claude_usage.cli.progress import SHOW_ABOVE_BYTES

from .conftest import console_script
from .plant import NOW, generated_host, upstream_example
from .terminal import run_with_tty_stderr

CLEAR_LINE = b"\x1b[2K"
SHOW_CURSOR = b"\x1b[?25h"


@pytest.fixture(scope="module")
def big_host(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two agents' realistic events, more bytes than the bar's threshold."""
    out = generated_host(tmp_path_factory.mktemp("big") / "host", 2, 5000)
    size = sum(p.stat().st_size for p in out.rglob("events.jsonl"))
    assert size > SHOW_ABOVE_BYTES
    return out


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CLAUDE_USAGE_NOW": str(NOW),
        "CLAUDE_USAGE_CACHE_DIR": str(tmp_path / "cache"),
        "TERM": "xterm-256color",
    }


def on_pipes(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, env=env, timeout=60)


def as_piped(tty_bytes: bytes) -> bytes:
    return tty_bytes.replace(b"\r\n", b"\n")  # the terminal's line discipline adds the \r


def test_a_big_read_shows_a_bar_on_a_terminal_then_clears_it(
    big_host: Path, env: dict[str, str]
) -> None:
    argv = [console_script(), "--host-dir", str(big_host), "--since", "30d", "--no-cache"]
    piped = on_pipes(argv, env)
    code, out, err = run_with_tty_stderr(argv, env)
    assert (code, piped.returncode) == (0, 0)
    assert out == piped.stdout and out.startswith(b"[claude]\n")  # stdout: only the report
    mib = sum(p.stat().st_size for p in big_host.rglob("events.jsonl")) / (1 << 20)
    assert f"0.0/{mib:.1f} MiB, 0/2 files".encode() in err  # the first frame
    assert f"{mib:.1f}/{mib:.1f} MiB, 2/2 files".encode() in err  # the last
    assert SHOW_CURSOR in err
    # Cleared before the warnings: after the last line erase, stderr is what a pipe gets.
    bar, after = err.rsplit(CLEAR_LINE, 1)
    assert b"reading" in bar and b"reading" not in after
    assert as_piped(after) == piped.stderr
    assert b"reading" not in piped.stderr  # not a terminal: nothing extra


def test_the_json_report_is_untouched_by_the_bar(big_host: Path, env: dict[str, str]) -> None:
    argv = [console_script(), "--host-dir", str(big_host), "--since", "30d", "--no-cache", "--json"]
    code, out, err = run_with_tty_stderr(argv, env)
    assert code == 0 and b"2/2 files" in err
    assert out == on_pipes(argv, env).stdout


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["history", "--since", "30d"], id="history"),
        pytest.param(["wait", "--until", "true", "--since", "30d"], id="wait"),
        pytest.param(["watch", "--count", "1", "--since", "30d"], id="watch-first-tick"),
    ],
)
def test_every_reading_command_shows_the_bar_on_a_big_read(
    big_host: Path, env: dict[str, str], command: list[str]
) -> None:
    argv = [console_script(), *command, "--host-dir", str(big_host)]
    code, out, err = run_with_tty_stderr(argv, env)
    assert code == 0, err
    assert b"2/2 files" in err and SHOW_CURSOR in err
    piped = on_pipes(argv, {**env, "CLAUDE_USAGE_CACHE_DIR": env["CLAUDE_USAGE_CACHE_DIR"] + "2"})
    assert out == piped.stdout and b"files" not in piped.stderr


def test_a_small_read_on_a_terminal_shows_no_bar(tmp_path: Path, env: dict[str, str]) -> None:
    upstream_example(tmp_path / "host")
    argv = [console_script(), "--host-dir", str(tmp_path / "host"), "--no-cache"]
    piped = on_pipes(argv, env)
    code, out, err = run_with_tty_stderr(argv, env)
    assert (code, out) == (0, piped.stdout)
    assert as_piped(err) == piped.stderr and b"\x1b" not in err


def test_a_cached_second_read_has_nothing_to_show(big_host: Path, env: dict[str, str]) -> None:
    argv = [console_script(), "--host-dir", str(big_host), "--since", "30d"]
    first = on_pipes(argv, env)  # fills the cache
    code, out, err = run_with_tty_stderr(argv, env)
    assert (code, out) == (0, first.stdout)
    assert as_piped(err) == first.stderr and b"\x1b" not in err


def test_a_dumb_terminal_gets_no_bar(big_host: Path, env: dict[str, str]) -> None:
    argv = [console_script(), "--host-dir", str(big_host), "--since", "30d", "--no-cache", "--json"]
    code, _, err = run_with_tty_stderr(argv, {**env, "TERM": "dumb"})
    assert (code, err) == (0, b"")
