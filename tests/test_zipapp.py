"""The zipapp: reproducible, stdlib-only, and complete."""

from __future__ import annotations

import ast
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from claude_usage.shim.bytecode import MODULES
from claude_usage.zipapp import PACKAGE_DIR, build_zipapp_bytes

ROOT = Path(__file__).resolve().parent.parent
# C modules the shim uses directly; older interpreters name the sha256 one `_sha256`.
_PRIVATE_STDLIB = {
    "_frozen_importlib",
    "_frozen_importlib_external",
    "_json",
    "_sha2",
    "_sha256",
    "_signal",
}


def test_two_builds_are_byte_identical_whatever_the_file_times(tmp_path: Path) -> None:
    first = build_zipapp_bytes()
    copy = tmp_path / "claude_usage"
    shutil.copytree(PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    for path in copy.rglob("*.py"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    assert hashlib.sha256(build_zipapp_bytes(copy)).digest() == hashlib.sha256(first).digest()


def test_build_script_with_no_arguments(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "build_zipapp.py")], capture_output=True, text=True, check=True
    )
    built = ROOT / "dist" / "claude_usage.pyz"
    assert hashlib.sha256(built.read_bytes()).hexdigest() in out.stdout
    assert built.read_bytes() == build_zipapp_bytes()
    assert built.stat().st_mode & 0o777 == 0o755


def test_contains_only_the_shim(tmp_path: Path) -> None:
    path = tmp_path / "x.pyz"
    path.write_bytes(build_zipapp_bytes())
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names == sorted(names)
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    shim = sorted(p.name for p in (PACKAGE_DIR / "shim").glob("*.py"))
    assert names == ["__main__.py", "claude_usage/__init__.py"] + [
        f"claude_usage/shim/{n}" for n in shim
    ]


def _imported_roots(source: str) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_shim_imports_only_the_standard_library() -> None:
    allowed = set(sys.stdlib_module_names) | _PRIVATE_STDLIB | {"claude_usage"}
    for path in [*(PACKAGE_DIR / "shim").glob("*.py"), PACKAGE_DIR / "__init__.py"]:
        outside = _imported_roots(path.read_text()) - allowed
        assert not outside, f"{path.name} imports {outside}"


def test_bytecode_module_list_is_complete() -> None:
    names = {
        f"claude_usage.shim.{p.stem}"
        for p in (PACKAGE_DIR / "shim").glob("*.py")
        if p.stem != "__init__"
    }
    assert {name for name, is_package in MODULES if not is_package} == names
    assert {name for name, is_package in MODULES if is_package} == {
        "claude_usage",
        "claude_usage.shim",
    }
