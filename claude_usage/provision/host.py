"""The host interface the provisioner works through, and its local implementation.

Provisioning sees only `Host`, so the same steps serve this machine (`LocalHost`) and
any mngr host, local or remote (`mngr_host.MngrHost`).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from claude_usage.errors import ClaudeUsageError


class HostError(ClaudeUsageError):
    """Reading or writing a file on a host failed."""


class Host(Protocol):
    """Files on one host. Paths are absolute paths on that host."""

    @property
    def host_dir(self) -> Path:
        """The host's base dir (`~/.mngr`, or the standalone state dir)."""
        ...

    def read_file(self, path: Path) -> bytes:
        """The file's bytes; FileNotFoundError if it does not exist."""
        ...

    def read_text_file(self, path: Path) -> str:
        """The file decoded as UTF-8 (strict, newlines untouched); FileNotFoundError if missing."""
        ...

    def write_file(
        self, path: Path, data: bytes, mode: int | None = None, atomic: bool = True
    ) -> None:
        """Write `data`, creating parent dirs; `mode` None keeps an existing file's mode."""
        ...

    def list_names(self, directory: Path) -> list[str]:
        """Names of the entries of `directory`; [] if it does not exist."""
        ...

    def remove_file(self, path: Path) -> None:
        """Remove a file; nothing happens if it does not exist."""
        ...


class LocalHost:
    """This machine's files. Atomic writes: a temp file in the same folder, fsync'd, renamed."""

    def __init__(self, host_dir: Path) -> None:
        self._host_dir = host_dir

    @property
    def host_dir(self) -> Path:
        return self._host_dir

    def read_file(self, path: Path) -> bytes:
        return path.read_bytes()

    def read_text_file(self, path: Path) -> str:
        # Not Path.read_text: its newline translation would turn CRLF files into LF ones.
        return path.read_bytes().decode("utf-8")

    def write_file(
        self, path: Path, data: bytes, mode: int | None = None, atomic: bool = True
    ) -> None:
        # Through a symlink to its target: a settings file linked from a dotfiles
        # repository stays a link (a rename onto the link would replace it).
        path = Path(os.path.realpath(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        if mode is None:
            # A new file keeps None: the umask decides, as for any file the user creates.
            with contextlib.suppress(FileNotFoundError):
                mode = stat.S_IMODE(os.stat(path).st_mode)
        if atomic:
            _write_atomic(path, data, mode)
        else:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
            try:
                _write_all(fd, data, mode)
            finally:
                os.close(fd)

    def list_names(self, directory: Path) -> list[str]:
        try:
            return sorted(os.listdir(directory))
        except FileNotFoundError:
            return []

    def remove_file(self, path: Path) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


def _write_all(fd: int, data: bytes, mode: int | None) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    if mode is not None:
        os.fchmod(fd, mode)
    os.fsync(fd)


def _write_atomic(path: Path, data: bytes, mode: int | None) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    # Private until its mode is set, so a 0600 file is never readable by others.
    fd = os.open(tmp, flags, 0o666 if mode is None else 0o600)
    try:
        try:
            _write_all(fd, data, mode)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    # The rename is durable only once the folder is synced; some file systems refuse.
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def read_optional_text(host: Host, path: Path) -> str | None:
    """The file's text, or None if it does not exist; HostError if it cannot be read."""
    return _read_optional(host.read_text_file, path)


def read_optional_bytes(host: Host, path: Path) -> bytes | None:
    """The file's bytes, or None if it does not exist; HostError if it cannot be read."""
    return _read_optional(host.read_file, path)


def _read_optional[T](read: Callable[[Path], T], path: Path) -> T | None:
    try:
        return read(path)
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise HostError(f"{path} is not UTF-8 text; it was left as it is") from None
    except OSError as error:
        raise HostError(f"cannot read {path}: {error.strerror or error}") from None
