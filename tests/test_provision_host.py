"""LocalHost on real files: atomic writes, modes, symlinks, a read-only file system."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from claude_usage.provision.host import HostError, LocalHost, read_optional_text
from claude_usage.provision.steps import apply_steps, remove, write


def mode_of(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.fixture
def host(tmp_path: Path) -> LocalHost:
    return LocalHost(tmp_path / "host")


def test_atomic_write_creates_parents_sets_the_mode_and_leaves_no_temp_file(
    host: LocalHost, tmp_path: Path
) -> None:
    path = tmp_path / "a" / "b" / "claude_usage.pyz"
    host.write_file(path, b"zip", 0o755)
    assert (path.read_bytes(), mode_of(path)) == (b"zip", 0o755)
    host.write_file(path, b"new", 0o600)
    assert (path.read_bytes(), mode_of(path)) == (b"new", 0o600)
    assert os.listdir(path.parent) == ["claude_usage.pyz"]


def test_atomic_write_replaces_the_inode(host: LocalHost, tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"old")
    before = path.stat().st_ino
    host.write_file(path, b"new")
    assert path.stat().st_ino != before  # a reader holding the old file never sees a mix


def test_no_mode_keeps_an_existing_files_mode_and_uses_the_umask_for_a_new_one(
    host: LocalHost, tmp_path: Path
) -> None:
    existing = tmp_path / "settings.json"
    existing.write_text("{}")
    existing.chmod(0o640)
    host.write_file(existing, b'{"a": 1}')
    assert mode_of(existing) == 0o640
    umask = os.umask(0o022)
    try:
        host.write_file(tmp_path / "new.json", b"{}")
    finally:
        os.umask(umask)
    assert mode_of(tmp_path / "new.json") == 0o644


def test_a_symlinked_settings_file_stays_a_link(host: LocalHost, tmp_path: Path) -> None:
    target = tmp_path / "dotfiles" / "settings.json"
    target.parent.mkdir()
    target.write_text("{}")
    link = tmp_path / ".claude" / "settings.json"
    link.parent.mkdir()
    link.symlink_to(target)
    host.write_file(link, b'{"statusLine": {}}')
    assert link.is_symlink()
    assert target.read_text() == '{"statusLine": {}}'


def test_non_atomic_write_truncates_in_place(host: LocalHost, tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"a long old content")
    before = path.stat().st_ino
    host.write_file(path, b"short", 0o600, atomic=False)
    assert (path.read_bytes(), path.stat().st_ino, mode_of(path)) == (b"short", before, 0o600)


def test_read_text_keeps_crlf_and_refuses_non_utf8(host: LocalHost, tmp_path: Path) -> None:
    (tmp_path / "crlf").write_bytes(b'{"a": 1}\r\n')
    assert host.read_text_file(tmp_path / "crlf") == '{"a": 1}\r\n'
    assert read_optional_text(host, tmp_path / "missing") is None
    (tmp_path / "latin1").write_bytes(b'{"a": "\xe9"}')
    with pytest.raises(HostError, match="latin1 is not UTF-8 text"):
        read_optional_text(host, tmp_path / "latin1")


def test_list_and_remove(host: LocalHost, tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "b").write_text("")
    (folder / "a").write_text("")
    assert host.list_names(folder) == ["a", "b"]
    assert host.list_names(tmp_path / "missing") == []
    host.remove_file(folder / "a")
    host.remove_file(folder / "a")  # already gone: fine
    assert host.list_names(folder) == ["b"]


def read_only_dir(path: Path, tmpfs, files: dict[str, bytes]) -> None:
    """`path` holding `files`, then read-only: a read-only tmpfs as root, else chmod."""
    mounted = tmpfs(path, "size=1m")
    for name, data in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_bytes(data)
    if mounted:
        subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True)
    else:
        for folder in sorted({(path / name).parent for name in files} | {path}):
            folder.chmod(0o555)


def test_a_read_only_folder_gives_a_clear_error_and_nothing_half_written(
    host: LocalHost, tmp_path: Path, tmpfs
) -> None:
    work = tmp_path / "ro-work"
    read_only_dir(work, tmpfs, {".claude/settings.local.json": b'{"a": 1}\n'})
    path = work / ".claude" / "settings.local.json"
    with pytest.raises(HostError) as raised:
        apply_steps(host, [write(path, b'{"statusLine": {}}\n', "settings")])
    assert str(raised.value).startswith(f"cannot write {path}: ")
    assert "Read-only file system" in str(raised.value) or "Permission denied" in str(raised.value)
    assert path.read_bytes() == b'{"a": 1}\n'
    assert os.listdir(path.parent) == ["settings.local.json"]


def test_a_step_that_fails_puts_back_the_files_changed_before_it(
    host: LocalHost, tmp_path: Path
) -> None:
    kept, gone, new = tmp_path / "kept", tmp_path / "gone", tmp_path / "dir" / "new"
    kept.write_bytes(b"old")
    gone.write_bytes(b"here before")
    blocked = tmp_path / "kept" / "child"  # its folder is a file: the write fails
    plan = [
        write(kept, b"new", "a changed file", 0o600),
        remove(gone, "a removed file"),
        write(new, b"x", "a new file"),
        write(blocked, b"y", "the one that fails"),
    ]
    with pytest.raises(HostError, match=f"^cannot write {blocked}: .*; nothing was changed$"):
        apply_steps(host, plan)
    assert kept.read_bytes() == b"old"
    assert gone.read_bytes() == b"here before" and mode_of(gone) == 0o600
    assert not new.exists()
