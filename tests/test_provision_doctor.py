"""The doctor's rules: ages, the Python a command runs."""

from __future__ import annotations

import shlex
import sys

import pytest

from claude_usage.provision.doctor import FAIL, OK, check_python, format_age


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "just now"),
        (-5, "just now"),  # a clock step backwards
        (45, "45s ago"),
        (180, "3m ago"),
        (7500, "2h 5m ago"),
        (3 * 86400 + 4 * 3600 + 59, "3d 4h ago"),
        (86400 + 5, "1d ago"),  # two adjacent units at most: not "1d 5s"
    ],
)
def test_format_age(seconds: float, text: str) -> None:
    assert format_age(seconds) == text


def test_check_python_names_the_interpreter_and_its_version() -> None:
    command = shlex.join([sys.executable, "-I", "-S", "-c", "x", "/p/claude_usage.pyz"])
    check = check_python("[a]", command)
    version = ".".join(map(str, sys.version_info[:3]))
    assert (check.status, check.message) == (
        OK,
        f"[a] the shim runs with Python {version} at {sys.executable}",
    )
    assert check_python("[a]", "/nonexistent/python3 -I -S x").status == FAIL
