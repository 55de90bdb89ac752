"""The process key: the nearest ancestor that is not a shell, stable across renders."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from claude_usage.shim.process import parse_proc_stat

KEY_CODE = "from claude_usage.shim.process import process_key; print(process_key())"


@pytest.mark.parametrize(
    ("stat", "expected"),
    [
        (
            b"42 (claude) S 7 42 42 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 11 0 123456 1 2",
            (b"claude", 7, "123456"),
        ),
        (b"43 (a) b (c)) R 1 43 43 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99 1 2", (b"a) b (c)", 1, "99")),
    ],
)
def test_parse_proc_stat(stat: bytes, expected: tuple) -> None:
    assert parse_proc_stat(stat) == expected


def _key_via(*launcher: str) -> str:
    code = f"import sys; sys.path.insert(0, {os.getcwd()!r}); {KEY_CODE}"
    argv = (
        [*launcher, f'{sys.executable} -c "{code}"'] if launcher else [sys.executable, "-c", code]
    )
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="Linux /proc only")
def test_shells_between_claude_and_the_shim_are_skipped() -> None:
    with open("/proc/self/stat", "rb") as f:
        _, _, start = parse_proc_stat(f.read())
    with open("/proc/sys/kernel/random/boot_id") as f:
        boot = f.read()[:8]
    expected = f"linux:{boot}:{os.getpid()}:{start}"
    assert _key_via() == expected  # direct child of this process
    assert _key_via("sh", "-c") == expected  # as Claude Code runs it
    assert _key_via("bash", "-c") == expected
    assert _key_via("dash", "-c") == expected
