"""The `claude-usage` console script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from claude_usage import __version__
from claude_usage.cli.app import app
from claude_usage.zipapp import build_zipapp_bytes

from .conftest import console_script

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert (result.exit_code, result.stdout) == (0, f"claude-usage {__version__}\n")


def test_zipapp_command_writes_the_same_bytes_as_the_build(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "claude_usage.pyz"
    result = runner.invoke(app, ["zipapp", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == build_zipapp_bytes()
    assert out.stat().st_mode & 0o777 == 0o755


def test_installed_console_script(tmp_path: Path) -> None:
    script = console_script()
    done = subprocess.run([script, "--version"], capture_output=True, text=True, check=True)
    assert done.stdout == f"claude-usage {__version__}\n"
    out = subprocess.run([script, "--help"], capture_output=True, text=True, check=True).stdout
    assert "zipapp" in out


def test_help_does_not_import_what_it_does_not_use() -> None:
    code = (
        "import sys\n"
        "from claude_usage.cli.app import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(done.stderr.split())
    assert "claude_usage.cli.app" in loaded
    heavy = {"orjson", "zipfile", "hashlib", "claude_usage.zipapp", "pluggy", "loguru", "celpy"}
    ours = {"claude_usage.mngr_plugin", "claude_usage.provision.install"}
    assert not loaded & (heavy | ours)
    assert not [name for name in loaded if name.split(".")[0] == "imbue"]  # no mngr


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    names = [command.name for command in app.registered_commands]
    assert names == [
        "report",
        "watch",
        "wait",
        "history",
        "install",
        "uninstall",
        "doctor",
        "zipapp",
    ]
    for name in names:
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0 and "Usage: " in result.stdout, name
        assert f"claude-usage {name}" in readme, name
