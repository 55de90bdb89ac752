"""The sidecar: which commands are run, and the last good output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from claude_usage.shim.chain import load_last_good, read_sidecar, save_last_good


def sidecar(tmp_path: Path, content: bytes, mode: int = 0o600) -> bytes:
    path = tmp_path / "user_statusline_cmd"
    path.write_bytes(content)
    path.chmod(mode)
    return bytes(path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"echo hi\n", b"echo hi"),
        (b"  printf '%s' \"$x\"  \n\n", b"  printf '%s' \"$x\"  "),
        (b"", None),
        (b"  \n\t\n", None),
    ],
)
def test_read_sidecar_commands(tmp_path: Path, content: bytes, expected: object) -> None:
    assert read_sidecar(sidecar(tmp_path, content)) == (expected, None)


def test_missing_sidecar(tmp_path: Path) -> None:
    assert read_sidecar(bytes(tmp_path / "nope")) == (None, None)


@pytest.mark.parametrize("mode", [0o620, 0o602, 0o666])
def test_group_or_other_writable_is_refused(tmp_path: Path, mode: int) -> None:
    command, refusal = read_sidecar(sidecar(tmp_path, b"echo hi", mode))
    assert command is None and "writable by group or others" in refusal


def test_someone_elses_sidecar_is_refused(tmp_path: Path) -> None:
    path = sidecar(tmp_path, b"echo hi")
    if os.geteuid() == 0:
        os.chown(path, 65534, 65534)
        command, refusal = read_sidecar(path)
        assert command is None and "owned by uid 65534" in refusal
    else:  # a non-root user cannot give a file away; root-owned files stand in
        command, refusal = read_sidecar(b"/etc/hostname")
        assert command is None and "owned by uid 0" in refusal


def test_symlinked_sidecar_is_refused(tmp_path: Path) -> None:
    target = Path(sidecar(tmp_path, b"echo hi").decode())
    link = tmp_path / "link"
    link.symlink_to(target)
    command, refusal = read_sidecar(bytes(link))
    assert command is None and refusal.startswith("cannot open")


def test_last_good_output_is_per_command(tmp_path: Path) -> None:
    path = bytes(tmp_path / "last")
    assert load_last_good(path, b"cmd") is None
    save_last_good(path, b"cmd", b"line one\n")
    assert load_last_good(path, b"cmd") == b"line one\n"
    assert load_last_good(path, b"other cmd") is None
    save_last_good(path, b"cmd", b"line two\n")
    assert load_last_good(path, b"cmd") == b"line two\n"
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(
    "content",
    [
        b"python3 -I -S -c 'import ...' /h/commands/claude_usage.pyz statusline --state-dir /s",
        b"/h/.mngr/commands/claude_statusline.sh",
    ],
    ids=["ours", "upstream"],
)
def test_a_shim_in_the_sidecar_is_never_run(tmp_path: Path, content: bytes) -> None:
    # However it got there, running it would make the shim chain to itself.
    command, refusal = read_sidecar(sidecar(tmp_path, content))
    assert command is None and "would chain to itself" in refusal
