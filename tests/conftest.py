"""Shared fixtures: a hermetic environment, the zipapp built once, real interpreters."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from claude_usage.shim.command import LAUNCHER
from claude_usage.zipapp import write_zipapp

DATA = Path(__file__).parent / "data"
PAYLOADS = sorted((DATA / "payloads").glob("*.json"))
SHIM_MINORS = range(8, 14)
REQUIRE_ALL = os.environ.get("CLAUDE_USAGE_REQUIRE_ALL_PYTHONS") == "1"

_CLEARED_PREFIXES = ("MNGR_", "CLAUDE_", "ANTHROPIC_")
# The HOME the suite started with, before `hermetic_env` moves it: where uv keeps its cache.
ORIGINAL_HOME = os.environ.get("HOME", "")


def _pyenv_roots() -> list[str]:
    roots = [os.environ.get("PYENV_ROOT", ""), os.path.expanduser("~/.pyenv"), "/root/.pyenv"]
    if shutil.which("pyenv"):
        done = subprocess.run(["pyenv", "root"], capture_output=True, text=True)
        roots.insert(1, done.stdout.strip())
    return [r for r in dict.fromkeys(roots) if r]


def find_interpreter(minor: int) -> str | None:
    """A working CPython 3.<minor>: pyenv's versions folders first, then PATH."""
    candidates = [
        path
        for root in _pyenv_roots()
        for path in sorted(glob.glob(f"{root}/versions/3.{minor}.*/bin/python3"), reverse=True)
    ]
    on_path = shutil.which(f"python3.{minor}")
    if on_path:
        candidates.append(on_path)
    for candidate in candidates:
        probe = subprocess.run(
            [candidate, "-c", "import sys; print(sys.version_info[1])"],
            capture_output=True,
            text=True,
        )
        if probe.returncode == 0 and probe.stdout.strip() == str(minor):
            return candidate
    return None


_INTERPRETERS = {minor: find_interpreter(minor) for minor in SHIM_MINORS}


def console_script() -> str:
    """The `claude-usage` command this environment installed with the package."""
    script = shutil.which("claude-usage", path=os.path.dirname(sys.executable))
    assert script, "the console script is installed with the package"
    return script


def missing(reason: str) -> NoReturn:
    """A component a test needs is not here: skip, or fail where CI requires everything."""
    if REQUIRE_ALL:
        pytest.fail(reason + "; CLAUDE_USAGE_REQUIRE_ALL_PYTHONS=1 requires it")
    pytest.skip(reason)


@pytest.fixture(params=list(SHIM_MINORS), ids=[f"py3{m}" for m in SHIM_MINORS])
def shim_python(request: pytest.FixtureRequest) -> str:
    """Each CPython 3.8-3.13 in turn; a missing one skips, or fails under CI."""
    path = _INTERPRETERS[request.param]
    if path is None:
        missing(f"CPython 3.{request.param} not found (pyenv versions or python3.{request.param})")
    return path


@pytest.fixture(autouse=True)
def hermetic_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME under tmp_path, no inherited agent or auth variables, UTC, fixed width."""
    for name in list(os.environ):
        if name.startswith(_CLEARED_PREFIXES):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    return home


@pytest.fixture(scope="session")
def pyz_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zipapp, built once per session from the working tree."""
    path = tmp_path_factory.mktemp("dist") / "claude_usage.pyz"
    write_zipapp(path)
    return path


@pytest.fixture
def pyz(pyz_source: Path, tmp_path: Path) -> Path:
    """A private copy of the zipapp, so each test starts without a compiled-code cache."""
    path = tmp_path / "commands" / "claude_usage.pyz"
    path.parent.mkdir()
    shutil.copy2(pyz_source, path)
    return path


@pytest.fixture
def python() -> str:
    """The interpreter running the tests (3.12+): fine for process tests of one version."""
    return sys.executable


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "agents" / "agent-0123"


def events_file(state_dir: Path) -> Path:
    return state_dir / "events" / "claude" / "usage" / "events.jsonl"


def read_events(state_dir: Path) -> list[dict]:
    path = events_file(state_dir)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def run_shim(
    python: str,
    pyz: Path,
    *args: str,
    stdin: bytes = b"",
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 30,
) -> subprocess.CompletedProcess:
    """Run the zipapp the way the status-line command does (command.LAUNCHER, -I -S)."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [python, "-I", "-S", "-c", LAUNCHER, str(pyz), *args],
        input=stdin,
        capture_output=True,
        env=full_env,
        cwd=cwd,
        timeout=timeout,
    )


@pytest.fixture
def payload_bytes() -> Iterator[bytes]:
    yield (DATA / "payloads" / "real-v2.1.226-windows-later-render-subscription.json").read_bytes()


@pytest.fixture
def tmpfs(tmp_path: Path):
    """Mount a tmpfs (root only) and unmount it afterwards."""
    mounted = []

    def mount(path: Path, options: str) -> bool:
        path.mkdir(parents=True, exist_ok=True)
        if os.geteuid() != 0 or shutil.which("mount") is None:
            return False
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True
        )
        if done.returncode == 0:
            mounted.append(path)
        return done.returncode == 0

    yield mount
    for path in reversed(mounted):
        subprocess.run(["umount", "-l", str(path)], check=False)
