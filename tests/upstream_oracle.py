"""Upstream's reader (`mngr usage`) as a test oracle (UPSTREAM.md §9).

Upstream gets its own virtualenv, `.venv-upstream/` at the repository root (git-ignored),
built once with the pinned releases and reused while its stamp names the same pins: its
`usage` command would clash with ours in the project's `.venv`. It runs under a frozen
clock: a small launcher pins `time.time` before importing mngr's CLI.
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ORIGINAL_HOME, find_interpreter

UPSTREAM_PINS = ("imbue-mngr==0.3.0", "imbue-mngr-usage==0.2.0")
VENV = Path(__file__).resolve().parent.parent / ".venv-upstream"
_STAMP = "claude-usage-oracle.txt"  # written last: the pins of a complete install
_STAMP_TEXT = "\n".join(UPSTREAM_PINS) + "\n"
_ENV_NOW = "CLAUDE_USAGE_ORACLE_NOW"
RUN_TIMEOUT = 180  # seconds; one run takes ~6 s

# Runs `mngr` with `time.time` frozen at $CLAUDE_USAGE_ORACLE_NOW (UPSTREAM.md §9.2).
LAUNCHER = f"""\
import os, sys, time
_now = float(os.environ["{_ENV_NOW}"])
time.time = lambda: _now
from imbue.mngr.main import cli
sys.argv[0] = "mngr"
sys.exit(cli())
"""


class OracleUnavailable(Exception):
    """Upstream's virtualenv could not be made; the message says why."""


def _base_python() -> str:
    # Upstream was measured on 3.12 (UPSTREAM.md §7.3); else the interpreter running the
    # suite, which is >= 3.12 as the package needs.
    return find_interpreter(12) or find_interpreter(13) or sys.executable


def _uv() -> list[str] | None:
    # `uv run` (scripts/test) names itself in $UV; else uv on PATH or beside this python.
    found = os.environ.get("UV") or shutil.which("uv")
    if found:
        return [found]
    if importlib.util.find_spec("uv") is not None:
        return [sys.executable, "-m", "uv"]
    return None


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise OracleUnavailable(f"`{' '.join(command)}` failed: {error}") from None
    if done.returncode != 0:
        raise OracleUnavailable(
            f"`{' '.join(command)}` exited {done.returncode}:\n{done.stdout}{done.stderr}"
        )


def _install(venv: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["HOME"] = ORIGINAL_HOME or env.get("HOME", "/")  # where uv and pip keep their caches
    base, python = _base_python(), str(venv / "bin" / "python")
    uv = _uv()
    if uv:
        _run([*uv, "venv", "--quiet", "--python", base, str(venv)], env)
        _run([*uv, "pip", "install", "--quiet", "--python", python, *UPSTREAM_PINS], env)
    else:
        _run([base, "-m", "venv", str(venv)], env)
        _run([python, "-m", "pip", "install", "--quiet", *UPSTREAM_PINS], env)


def _is_ready(venv: Path) -> bool:
    try:
        stamp = (venv / _STAMP).read_text()
    except OSError:
        return False
    return stamp == _STAMP_TEXT and (venv / "bin" / "python").exists()


def ensure_venv(venv: Path = VENV) -> Path:
    """The python of upstream's virtualenv, (re)made unless it holds exactly the pins."""
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test runs at once build it once
        if not _is_ready(venv):
            shutil.rmtree(venv, ignore_errors=True)
            _install(venv)
            (venv / _STAMP).write_text(_STAMP_TEXT)
    return venv / "bin" / "python"


def start_upstream(
    python: Path, host_dir: Path, now: int, args: list[str], scratch: Path
) -> subprocess.Popen[str]:
    """Start `mngr usage <args>` over `host_dir` at `now`: HOME, cwd and config in `scratch`."""
    home, cwd, config = scratch / "home", scratch / "wd", scratch / "project-config"
    for path in (home, cwd, config):
        path.mkdir(parents=True, exist_ok=True)
    launcher = scratch / "mngr_at.py"
    launcher.write_text(LAUNCHER)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "MNGR_HOST_DIR": str(host_dir),
        "MNGR_PROJECT_CONFIG_DIR": str(config),  # an empty dir: no project settings
        "TZ": "UTC",  # naive timestamps are local time (UPSTREAM.md §5.3)
        "NO_COLOR": "1",
        "LANG": "C.UTF-8",
        _ENV_NOW: str(now),
    }
    return subprocess.Popen(
        [str(python), str(launcher), "usage", *args],
        cwd=cwd,  # not inside a git checkout: mngr looks for a project there
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[str, str]:
    """(stdout, stderr) of a run started by `start_upstream`; an error if it failed."""
    try:
        out, err = process.communicate(timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        raise AssertionError(f"upstream's mngr usage timed out:\n{err}") from None
    if process.returncode != 0:
        raise AssertionError(f"upstream's mngr usage exited {process.returncode}:\n{err}")
    return out, err
