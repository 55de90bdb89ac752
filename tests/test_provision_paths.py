"""Where things live (SPEC §3) and which Python runs the shim."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from claude_usage.provision import paths
from claude_usage.provision.python import find_python3, is_supported, python_version

HOME = {"HOME": "/home/me"}


@pytest.mark.parametrize(
    ("function", "environ", "expected"),
    [
        (paths.mngr_host_dir, HOME, "/home/me/.mngr"),
        (paths.mngr_host_dir, {**HOME, "MNGR_HOST_DIR": "/srv/mngr"}, "/srv/mngr"),
        (paths.standalone_host_dir, HOME, "/home/me/.local/state/claude-usage"),
        (paths.standalone_host_dir, {**HOME, "XDG_STATE_HOME": "/x/s"}, "/x/s/claude-usage"),
        # The XDG spec: a relative value is invalid and ignored.
        (
            paths.standalone_host_dir,
            {**HOME, "XDG_STATE_HOME": "rel"},
            "/home/me/.local/state/claude-usage",
        ),
        (paths.user_settings_path, HOME, "/home/me/.claude/settings.json"),
        (paths.user_settings_path, {**HOME, "CLAUDE_CONFIG_DIR": "/c"}, "/c/settings.json"),
    ],
)
def test_paths_from_the_environment(function, environ: dict, expected: str) -> None:
    assert function(environ) == Path(expected)


def test_agent_layout() -> None:
    state = paths.agent_state_dir(Path("/h"), "agent-1")
    assert state == Path("/h/agents/agent-1")
    assert paths.zipapp_path(Path("/h")) == Path("/h/commands/claude_usage.pyz")
    assert paths.sidecar_path(state) == state / "commands/user_statusline_cmd"
    assert paths.events_path(state) == state / "events/claude/usage/events.jsonl"
    assert paths.project_settings_paths(Path("/w")) == (
        Path("/w/.claude/settings.local.json"),
        Path("/w/.claude/settings.json"),
    )


@pytest.mark.parametrize(
    ("project", "prefix"),
    [
        ("/home/me/my app", "my_app-"),
        ("/srv/.hidden", "hidden-"),
        ("/", "project-"),
        ("/x/é", "project-"),
    ],
)
def test_project_agent_names(project: str, prefix: str) -> None:
    name = paths.project_agent_name(Path(project))
    assert name.startswith(prefix) and len(name) == len(prefix) + 8
    assert name.replace("-", "").replace("_", "").replace(".", "").isalnum()


def test_same_folder_name_elsewhere_is_another_agent() -> None:
    assert paths.project_agent_name(Path("/a/app")) != paths.project_agent_name(Path("/b/app"))


def test_find_python3_skips_relative_dirs_venvs_and_wrapper_scripts(tmp_path: Path) -> None:
    real = os.path.realpath(sys.executable)  # the interpreter itself, not a venv's link
    venv, wrapper, plain = tmp_path / "venv", tmp_path / "shims", tmp_path / "bin"
    for folder in (venv / "bin", wrapper, plain):
        folder.mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (venv / "bin/python3").symlink_to(real)
    (wrapper / "python3").write_text('#!/bin/sh\nexec pyenv exec python3 "$@"\n')
    (wrapper / "python3").chmod(0o755)
    (plain / "python3").symlink_to(real)
    path = os.pathsep.join(
        ["bin", str(venv / "bin"), str(wrapper), str(tmp_path / "none"), str(plain)]
    )
    assert find_python3({"PATH": path}) == str(plain / "python3")
    assert find_python3({"PATH": str(wrapper)}) is None


def test_python_version_runs_it_as_the_status_line_does() -> None:
    version = python_version(sys.executable)
    assert version == ".".join(map(str, sys.version_info[:3]))
    assert python_version("/nonexistent/python3") is None
    assert python_version("false") is None


@pytest.mark.parametrize(
    ("version", "supported"),
    [("3.8.0", True), ("3.13.1", True), ("3.7.17", False), ("2.7.18", False), ("x", False)],
)
def test_supported_versions(version: str, supported: bool) -> None:
    assert is_supported(version) is supported
