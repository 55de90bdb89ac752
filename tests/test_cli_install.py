"""`claude-usage install`, `uninstall` and `doctor`: through typer's runner and the real script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claude_usage.cli.app import app
from claude_usage.provision import paths

from .conftest import console_script

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def user_settings(home: Path, value: object) -> Path:
    path = home / ".claude" / "settings.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=4) + "\n")
    return path


MINE = {"statusLine": {"type": "command", "command": "echo mine", "padding": 1}}


def test_dry_run_install_doctor_uninstall(hermetic_env: Path) -> None:
    settings = user_settings(hermetic_env, {"model": "opus", **MINE})
    original = settings.read_bytes()
    state = paths.standalone_host_dir(os.environ)

    dry = invoke("install", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert all(line.startswith("would write ") for line in dry.stdout.splitlines())
    assert str(settings) in dry.stdout
    assert settings.read_bytes() == original and not state.exists()

    done = invoke("install")
    assert done.exit_code == 0, done.output
    assert done.stdout == dry.stdout.replace("would write ", "wrote ")
    assert json.loads(settings.read_text())["model"] == "opus"
    assert (state / "agents/default/commands/user_statusline_cmd").read_text() == "echo mine"
    assert invoke("install").stdout == "nothing to change\n"

    doctor = invoke("doctor")
    assert doctor.exit_code == 0, doctor.output
    assert f"ok    [default] {settings}: statusLine runs the shim\n" in doctor.stdout
    assert "ok    [default] the shim runs with Python 3." in doctor.stdout
    assert "ok    [default] then runs your command: echo mine\n" in doctor.stdout
    assert "[default] no event yet" in doctor.stdout

    undone = invoke("uninstall")
    assert undone.exit_code == 0, undone.output
    assert undone.stdout.splitlines()[0] == f"wrote {settings}: back as before install"
    assert settings.read_bytes() == original


def test_install_for_one_project(hermetic_env: Path, tmp_path: Path) -> None:
    project = tmp_path / "my project"
    project.mkdir()
    user_settings(hermetic_env, MINE)
    done = invoke("install", "--project", str(project))
    assert done.exit_code == 0, done.output
    local = json.loads((project / ".claude/settings.local.json").read_text())
    assert "--state-dir" in local["statusLine"]["command"]
    assert local["statusLine"]["padding"] == 1  # carried from the user level it overrides
    assert json.loads((hermetic_env / ".claude/settings.json").read_text()) == MINE
    assert invoke("uninstall", "--project", str(project)).exit_code == 0
    assert not (project / ".claude/settings.local.json").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            '{"statusLine": ', "is not valid JSON (Expecting value, line 1", id="malformed"
        ),
        pytest.param("[1, 2]", "holds a JSON array, not an object", id="array"),
    ],
)
def test_a_broken_settings_file_is_a_message_not_a_traceback(
    hermetic_env: Path, text: str, message: str
) -> None:
    settings = hermetic_env / ".claude" / "settings.json"
    settings.parent.mkdir()
    settings.write_text(text)
    result = invoke("install")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(f"claude-usage: {settings} {message}")
    assert isinstance(result.exception, SystemExit)
    assert settings.read_text() == text


def test_a_python_that_does_not_run_is_refused(hermetic_env: Path) -> None:
    result = invoke("install", "--python", "/nonexistent/python3")
    assert result.exit_code == 1
    assert "/nonexistent/python3 does not run" in result.stderr
    assert not (hermetic_env / ".claude").exists()


def test_the_python_comes_from_the_option_or_the_environment(
    hermetic_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAUDE_USAGE_PYTHON", sys.executable)
    assert invoke("install").exit_code == 0
    command = json.loads((hermetic_env / ".claude/settings.json").read_text())["statusLine"]
    assert command["command"].startswith(f"{sys.executable} -I -S ")


def test_doctor_fails_when_the_status_line_was_replaced(hermetic_env: Path) -> None:
    assert invoke("install").exit_code == 0
    user_settings(hermetic_env, MINE)
    doctor = invoke("doctor")
    assert doctor.exit_code == 1
    assert "FAIL  [default]" in doctor.stdout and "no longer runs the shim" in doctor.stdout


def test_doctor_without_an_install(hermetic_env: Path) -> None:
    doctor = invoke("doctor")
    assert doctor.exit_code == 0
    assert "warn  not installed: run `claude-usage install`" in doctor.stdout
    assert "ok    mngr plugin claude_usage_meter is installed" in doctor.stdout


def run_script(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [console_script(), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


def test_the_console_script_round_trip(hermetic_env: Path) -> None:
    settings = user_settings(hermetic_env, MINE)
    original = settings.read_bytes()
    dry = run_script("install", "--dry-run")
    assert (dry.returncode, dry.stderr) == (0, "")
    assert settings.read_bytes() == original
    done = run_script("install")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == dry.stdout.replace("would write ", "wrote ")
    doctor = run_script("doctor")
    assert doctor.returncode == 0, doctor.stdout
    undone = run_script("uninstall")
    assert (undone.returncode, undone.stderr) == (0, "")
    assert settings.read_bytes() == original
    settings.write_text("{")
    broken = run_script("install")
    assert broken.returncode == 1 and "Traceback" not in broken.stderr
    assert broken.stderr == f"claude-usage: {settings} is not valid JSON " + (
        "(Expecting property name enclosed in double quotes, line 1 column 2); "
        "it was left as it is: fix it (or move it away) and run again\n"
    )


def test_doctor_names_upstream_plugins_installed_beside_ours(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for name, version in (("imbue_mngr_usage", "0.2.0"), ("imbue_mngr_claude_usage", "0.2.0")):
        info = site / f"{name}-{version}.dist-info"
        info.mkdir(parents=True)
        dist = name.replace("_", "-")
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    doctor = run_script("doctor", env={"PYTHONPATH": str(site)})
    assert "warn  upstream imbue-mngr-usage 0.2.0 is installed: it defines `mngr usage` too" in (
        doctor.stdout
    )
    assert "warn  upstream imbue-mngr-claude-usage 0.2.0 is installed: it provisions" in (
        doctor.stdout
    )


def test_doctor_on_a_damaged_install_record(hermetic_env: Path) -> None:
    assert invoke("install").exit_code == 0
    state = paths.agent_state_dir(paths.standalone_host_dir(os.environ), paths.USER_AGENT_NAME)
    paths.install_record_path(state).write_text("{")
    doctor = invoke("doctor")
    assert doctor.exit_code == 1
    assert f"FAIL  [default] damaged install record in {state}: run install again" in doctor.stdout
