"""Build `claude_usage.pyz`, the stdlib-only shim, byte-for-byte reproducibly (SPEC §2)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ZIPAPP_NAME = "claude_usage.pyz"
SHEBANG = b"#!/usr/bin/env python3\n"
# zipfile's earliest date: a fixed stamp, so builds do not depend on file times.
_EPOCH = (1980, 1, 1, 0, 0, 0)
# `python3 claude_usage.pyz VERB`: start as the launcher does (command.py), with the
# archive as argv[1], so this form is served from the compiled-code cache too.
_MAIN = b"""\
import sys
import zipimport

sys.argv[:1] = ["-c", sys.argv[0]]
exec(zipimport.zipimporter(sys.argv[1]).get_data("claude_usage/shim/boot.py"))
"""


def zipapp_members(package_dir: Path = PACKAGE_DIR) -> dict[str, bytes]:
    """Archive name -> bytes: the package marker, the shim's modules and `__main__.py`."""
    members = {
        "__main__.py": _MAIN,
        "claude_usage/__init__.py": (package_dir / "__init__.py").read_bytes(),
    }
    for path in sorted((package_dir / "shim").glob("*.py")):
        members[f"claude_usage/shim/{path.name}"] = path.read_bytes()
    return members


def build_zipapp_bytes(package_dir: Path = PACKAGE_DIR) -> bytes:
    """The zipapp's bytes: sorted entries, fixed times and modes, stored (not deflated).

    Stored entries spare every render the `zlib` import that inflating would need.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in sorted(zipapp_members(package_dir).items()):
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.create_system = 3  # unix, so the mode below is honoured
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data)
    return SHEBANG + buffer.getvalue()


def write_zipapp(path: Path, package_dir: Path = PACKAGE_DIR) -> bytes:
    """Write the zipapp to `path` (mode 0755) and return its bytes."""
    data = build_zipapp_bytes(package_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.chmod(0o755)
    tmp.replace(path)
    return data
