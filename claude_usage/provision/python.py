"""Which Python runs the shim on this machine, and its version.

A render starts a Python, so its start-up is the status line's latency. A venv's
interpreter can vanish with the venv, and a wrapper script such as a pyenv shim costs
tens of milliseconds a render (70 ms against 7 ms measured here), so the default is the
first real `python3` on PATH that is neither.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

# Overrides the Python in the command: `install --python` reads it, and so does the mngr
# hook (where the default is plain `python3`, found on each host's PATH).
ENV_PYTHON = "CLAUDE_USAGE_PYTHON"
MIN_VERSION = (3, 8)
_VERSION_CODE = "import sys; print('%d.%d.%d' % sys.version_info[:3])"


def find_python3(environ: Mapping[str, str]) -> str | None:
    """Absolute path of the first `python3` on PATH outside venvs that is not a script."""
    for folder in environ.get("PATH", "").split(os.pathsep):
        if not folder.startswith("/"):
            continue  # a relative PATH entry would depend on Claude Code's working dir
        candidate = Path(folder) / "python3"
        if not (candidate.is_file() and os.access(candidate, os.X_OK)):
            continue
        if (Path(folder).parent / "pyvenv.cfg").exists() or _is_script(candidate):
            continue
        return str(candidate)
    return None


def _is_script(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return file.read(2) == b"#!"
    except OSError:
        return True


def python_version(python: str) -> str | None:
    """`3.11.7` for the interpreter the shim would run with, or None if it does not start.

    It is run as the status line runs it (`-I -S`), so a Python 2 fails here too.
    """
    import subprocess

    try:
        done = subprocess.run(
            [python, "-I", "-S", "-c", _VERSION_CODE],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    version = done.stdout.strip()
    return version if done.returncode == 0 and version else None


def is_supported(version: str) -> bool:
    """True for a version the shim runs on (3.8 or newer)."""
    try:
        major, minor = (int(part) for part in version.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= MIN_VERSION
