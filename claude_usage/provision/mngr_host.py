"""`Host` over an mngr host object (imbue-mngr 0.3.0), local or remote.

Duck-typed: nothing here imports mngr. mngr's `write_file` takes bytes and an octal
*string* mode ("0755"), writes atomically by default and creates parent dirs. Unlike
`LocalHost`, mode None gives the umask's default even for an existing file (mngr has no
stat), and a symlink is replaced rather than written through. It has no remove, so
removing runs `rm -f` on the host.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from claude_usage.provision.host import HostError


class MngrHost:
    """Adapts an mngr `OnlineHostInterface` to `Host`."""

    def __init__(self, host: Any) -> None:
        self._host = host

    @property
    def host_dir(self) -> Path:
        return Path(self._host.host_dir)

    def read_file(self, path: Path) -> bytes:
        return self._host.read_file(path)

    def read_text_file(self, path: Path) -> str:
        # Decoded here, so newlines reach the caller untouched on every kind of host.
        return self._host.read_file(path).decode("utf-8")

    def write_file(
        self, path: Path, data: bytes, mode: int | None = None, atomic: bool = True
    ) -> None:
        octal = None if mode is None else format(mode, "04o")
        self._host.write_file(path, data, mode=octal, is_atomic=atomic)

    def list_names(self, directory: Path) -> list[str]:
        return sorted(Path(entry.path).name for entry in self._host.list_directory(directory))

    def remove_file(self, path: Path) -> None:
        result = self._host.execute_idempotent_command(f"rm -f -- {shlex.quote(str(path))}")
        if not result.success:
            raise HostError(f"cannot remove {path}: {result.stderr.strip()}")
