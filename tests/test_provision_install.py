"""Install and uninstall on real files through LocalHost: SPEC §6 and its safety cases."""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path

import pytest

from claude_usage.provision import install, paths
from claude_usage.provision.host import HostError, LocalHost
from claude_usage.provision.settings import SettingsError, shim_command
from claude_usage.provision.steps import changes
from claude_usage.provision.uninstall import uninstall
from claude_usage.zipapp import build_zipapp_bytes

from .test_provision_host import mode_of, read_only_dir

AGENT = "agent-0123456789abcdef0123456789abcdef"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    path = tmp_path / "my work dir"
    (path / ".claude").mkdir(parents=True)
    return path


@pytest.fixture
def host_dir(tmp_path: Path) -> Path:
    return tmp_path / ".mngr"


def mngr_target(host_dir: Path, work: Path, agent: str = AGENT) -> install.Target:
    return install.mngr_agent_target(host_dir, agent, work, os.environ)


def run(target: install.Target, **kwargs: object) -> list:
    return install.install(LocalHost(target.host_dir), target, **kwargs)


def write_json(path: Path, value: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, indent=4) + "\n")
    return path


def status(command: str, **extra: object) -> dict:
    return {"statusLine": {"type": "command", "command": command, **extra}}


def snapshot(*roots: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under the roots: bytes, mode and inode (a rewrite changes the inode)."""
    files = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                st = path.stat()
                files[str(path)] = (path.read_bytes(), st.st_mode & 0o777, st.st_ino)
    return files


def contents(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and mode (not its inode: a restore writes a new file)."""
    return {path: value[:2] for path, value in snapshot(root).items()}


def sidecar(host_dir: Path, agent: str = AGENT) -> Path:
    return paths.sidecar_path(paths.agent_state_dir(host_dir, agent))


def test_install_writes_the_zipapp_the_sidecar_and_the_settings(host_dir: Path, work: Path) -> None:
    local = write_json(work / ".claude/settings.local.json", {"model": "opus", **status("mine")})
    target = mngr_target(host_dir, work)
    run(target)
    zipapp = host_dir / "commands/claude_usage.pyz"
    assert (zipapp.read_bytes(), mode_of(zipapp)) == (build_zipapp_bytes(), 0o755)
    assert (sidecar(host_dir).read_text(), mode_of(sidecar(host_dir))) == ("mine", 0o600)
    command = shim_command("python3", str(zipapp))
    assert json.loads(local.read_text()) == {"model": "opus", **status(command)}
    assert target.command == command  # mngr agents find their state dir in the environment


def test_the_zipapp_is_written_only_when_its_bytes_change(host_dir: Path, work: Path) -> None:
    run(mngr_target(host_dir, work))
    zipapp = host_dir / "commands/claude_usage.pyz"
    inode = zipapp.stat().st_ino
    cache = zipapp.with_name("claude_usage.pyz.cpython-312.cache")
    cache.write_bytes(b"compiled")
    run(mngr_target(host_dir, work, "agent-2"))
    assert zipapp.stat().st_ino == inode and cache.exists()
    zipapp.write_bytes(b"an older shim")
    plan = run(mngr_target(host_dir, work, "agent-3"))
    assert [step.path.name for step in plan[:2]] == [zipapp.name, cache.name]
    assert zipapp.read_bytes() == build_zipapp_bytes() and not cache.exists()


def test_malformed_settings_local_json_is_never_overwritten(host_dir: Path, work: Path) -> None:
    local = work / ".claude/settings.local.json"
    local.write_text('{"permissions": {"allow": ["Bash"]},\n')
    with pytest.raises(SettingsError, match=f"^{local} is not valid JSON"):
        run(mngr_target(host_dir, work))
    assert local.read_text() == '{"permissions": {"allow": ["Bash"]},\n'
    assert not host_dir.exists()  # everything is read and decided before any write


def test_settings_that_are_a_json_array_are_refused(host_dir: Path, work: Path) -> None:
    local = write_json(work / ".claude/settings.local.json", [{"statusLine": "x"}])
    before = local.read_bytes()
    with pytest.raises(SettingsError, match="holds a JSON array, not an object"):
        run(mngr_target(host_dir, work))
    assert local.read_bytes() == before


def test_a_broken_lower_settings_file_is_named_too(host_dir: Path, work: Path) -> None:
    (work / ".claude/settings.json").write_text("{oops")
    with pytest.raises(SettingsError, match=r"settings\.json is not valid JSON"):
        run(mngr_target(host_dir, work))
    assert not (work / ".claude/settings.local.json").exists()


def test_a_user_status_line_with_padding_keeps_it(host_dir: Path, work: Path) -> None:
    local = write_json(work / ".claude/settings.local.json", status("mine", padding=2))
    run(mngr_target(host_dir, work))
    assert json.loads(local.read_text())["statusLine"]["padding"] == 2


def test_re_provisioning_the_same_agent_changes_nothing(host_dir: Path, work: Path) -> None:
    write_json(work / ".claude/settings.local.json", status("mine", refreshInterval=5))
    run(mngr_target(host_dir, work))
    before = snapshot(host_dir, work)
    assert run(mngr_target(host_dir, work)) == []
    assert snapshot(host_dir, work) == before


def test_re_provisioning_keeps_the_users_local_command(host_dir: Path, work: Path) -> None:
    # Upstream's quirk: the second run captured settings.json's command instead.
    write_json(work / ".claude/settings.local.json", status("local command"))
    write_json(work / ".claude/settings.json", status("shared command"))
    run(mngr_target(host_dir, work))
    run(mngr_target(host_dir, work))
    assert sidecar(host_dir).read_text() == "local command"


def test_a_second_agent_in_the_same_work_dir_does_not_chain_the_shim(
    host_dir: Path, work: Path
) -> None:
    write_json(work / ".claude/settings.local.json", status("mine"))
    write_json(work / ".claude/settings.json", status("shared command"))
    run(mngr_target(host_dir, work))
    local_after_first = (work / ".claude/settings.local.json").read_bytes()
    plan = run(mngr_target(host_dir, work, "agent-2"))
    assert [step.path for step in plan] == [sidecar(host_dir, "agent-2")]
    assert sidecar(host_dir, "agent-2").read_text() == "shared command"
    assert (work / ".claude/settings.local.json").read_bytes() == local_after_first


def test_a_user_level_status_line_is_chained(
    host_dir: Path, work: Path, hermetic_env: Path
) -> None:
    write_json(hermetic_env / ".claude/settings.json", status("~/.claude/line.sh", padding=1))
    run(mngr_target(host_dir, work))
    assert sidecar(host_dir).read_text() == "~/.claude/line.sh"
    local = json.loads((work / ".claude/settings.local.json").read_text())
    assert local["statusLine"]["padding"] == 1  # it would not apply under ours otherwise


def test_claude_config_dir_moves_the_user_level(
    host_dir: Path, work: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_json(tmp_path / "config/settings.json", status("from config dir"))
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "config"))
    run(mngr_target(host_dir, work))
    assert sidecar(host_dir).read_text() == "from config dir"


def test_after_upstreams_provisioner_its_captured_command_is_kept(
    host_dir: Path, work: Path
) -> None:
    # imbue-mngr-claude-usage ran first: its shim in settings.local.json, the user's
    # command (which it took from there) in the sidecar both plugins share.
    upstream = str(host_dir / "commands/claude_statusline.sh")
    local = write_json(work / ".claude/settings.local.json", status(upstream, padding=1))
    write_json(work / ".claude/settings.json", status("shared command"))
    sidecar(host_dir).parent.mkdir(parents=True)
    sidecar(host_dir).write_text("the user's local command")
    run(mngr_target(host_dir, work))
    assert sidecar(host_dir).read_text() == "the user's local command"
    line = json.loads(local.read_text())["statusLine"]
    assert (line["command"], line["padding"]) == (mngr_target(host_dir, work).command, 1)


def test_a_blank_capture_keeps_an_earlier_command(host_dir: Path, work: Path) -> None:
    sidecar(host_dir).parent.mkdir(parents=True)
    sidecar(host_dir).write_text("captured before")
    run(mngr_target(host_dir, work))
    assert sidecar(host_dir).read_text() == "captured before"


def test_dry_run_plans_the_same_steps_and_writes_nothing(host_dir: Path, work: Path) -> None:
    write_json(work / ".claude/settings.local.json", status("mine"))
    before = snapshot(work)
    planned = run(mngr_target(host_dir, work), dry_run=True)
    assert snapshot(work) == before and not host_dir.exists()
    assert [(s.path, s.data) for s in planned] == [
        (s.path, s.data) for s in run(mngr_target(host_dir, work))
    ]


def test_a_read_only_work_dir_is_a_clear_error_and_nothing_is_half_written(
    host_dir: Path, tmp_path: Path, tmpfs
) -> None:
    work = tmp_path / "ro work"
    read_only_dir(work, tmpfs, {".claude/settings.local.json": b'{"model": "opus"}\n'})
    local = work / ".claude/settings.local.json"
    with pytest.raises(HostError, match=f"^cannot write {local}: .*; nothing was changed$"):
        run(mngr_target(host_dir, work))
    assert local.read_bytes() == b'{"model": "opus"}\n'
    assert os.listdir(local.parent) == ["settings.local.json"]
    # The shim, the sidecar and the install record written before it are gone again.
    assert [p for p in host_dir.rglob("*") if not p.is_dir()] == []


def test_paths_with_spaces_and_quotes(tmp_path: Path) -> None:
    host_dir = tmp_path / 'it\'s a "host" $HOME'
    work = tmp_path / "work `dir`"
    target = mngr_target(host_dir, work)
    run(target)
    command = json.loads((work / ".claude/settings.local.json").read_text())["statusLine"]
    assert command["command"] == shim_command("python3", str(paths.zipapp_path(host_dir)))
    # Running it through `sh` is the end-to-end test's job (test_end_to_end.py).


# Uninstall (standalone installs: user level and --project).


def standalone(project: Path | None = None) -> install.Target:
    return install.standalone_target(os.environ, project, "/usr/bin/python3")


def remove(target: install.Target, **kwargs: object) -> list:
    return uninstall(LocalHost(target.host_dir), target, **kwargs)


@pytest.mark.parametrize(
    "original",
    [
        pytest.param(
            b'{\r\n\t"model":"opus",\r\n\t"statusLine":{"command":"mine"}}', id="crlf-tabs"
        ),
        pytest.param(b'{"env": {"A": "\\u00e9"}}', id="escapes"),
        pytest.param(b"", id="empty-file"),
        pytest.param(None, id="no-file"),
    ],
)
def test_uninstall_after_install_restores_the_files_byte_for_byte(
    hermetic_env: Path, original: bytes | None
) -> None:
    settings = hermetic_env / ".claude/settings.json"
    if original is not None:
        settings.parent.mkdir()
        settings.write_bytes(original)
    before = contents(hermetic_env)
    run(standalone())
    assert settings.read_bytes() != original
    remove(standalone())
    assert contents(hermetic_env) == before


def test_uninstall_keeps_what_the_user_changed_since(hermetic_env: Path) -> None:
    settings = write_json(hermetic_env / ".claude/settings.json", status("mine", padding=3))
    run(standalone())
    changed = json.loads(settings.read_text()) | {"theme": "dark"}
    write_json(settings, changed)
    remove(standalone())
    assert json.loads(settings.read_text()) == {**status("mine", padding=3), "theme": "dark"}


def test_uninstall_without_a_record_restores_the_captured_command(hermetic_env: Path) -> None:
    settings = write_json(hermetic_env / ".claude/settings.json", status("mine"))
    target = standalone()
    run(target)
    paths.install_record_path(target.state_dir).unlink()
    remove(target)
    assert json.loads(settings.read_text()) == status("mine")


def test_uninstall_leaves_a_status_line_that_is_not_ours(hermetic_env: Path) -> None:
    settings = write_json(hermetic_env / ".claude/settings.json", {})
    run(standalone())
    write_json(settings, status("the user changed it"))
    plan = remove(standalone())
    assert plan[0].describe() == f"left {settings}: its statusLine is not a shim"
    assert json.loads(settings.read_text()) == status("the user changed it")


def test_uninstall_keeps_the_events_and_the_zipapp_of_other_installs(
    hermetic_env: Path, work: Path
) -> None:
    user, project = standalone(), standalone(work)
    run(user)
    run(project)
    events = paths.events_path(project.state_dir)
    events.parent.mkdir(parents=True)
    events.write_text('{"source":"claude/usage"}\n')
    zipapp = paths.zipapp_path(user.host_dir)
    remove(project)
    assert events.read_text() == '{"source":"claude/usage"}\n'
    assert zipapp.exists() and not paths.sidecar_path(project.state_dir).exists()
    assert not (work / ".claude/settings.local.json").exists()
    remove(user)
    assert not zipapp.exists()


def test_uninstall_dry_run_changes_nothing(hermetic_env: Path) -> None:
    write_json(hermetic_env / ".claude/settings.json", status("mine"))
    run(standalone())
    before = snapshot(hermetic_env)
    planned = remove(standalone(), dry_run=True)
    assert snapshot(hermetic_env) == before and changes(planned)


def test_project_agents_are_named_for_their_folder(work: Path) -> None:
    target = standalone(work)
    assert target.state_dir.name.startswith("my_work_dir-")
    assert target.settings == work / ".claude/settings.local.json"
    assert target.command.endswith(f"statusline --state-dir {shlex.quote(str(target.state_dir))}")
