"""The zipapp as Claude Code runs it: a real subprocess per render, on CPython 3.8-3.13."""

from __future__ import annotations

import ast
import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from claude_usage.shim import events
from claude_usage.shim.command import LAUNCHER
from claude_usage.shim.record import should_record

from .conftest import PAYLOADS, events_file, read_events, run_shim
from .test_summary_line import GOLDEN


def cost_payload(cost: float, session: str = "5e55-1") -> bytes:
    return json.dumps(
        {
            "session_id": session,
            "model": {"id": "claude-opus-5", "display_name": "Opus 5"},
            "cost": {"total_cost_usd": cost},
            "rate_limits": {"five_hour": {"used_percentage": 44, "resets_at": 1796310000}},
        }
    ).encode()


def test_every_payload_on_every_python(shim_python: str, pyz: Path, tmp_path: Path) -> None:
    for path in PAYLOADS:
        state = tmp_path / path.stem
        stdin = path.read_bytes()
        done = run_shim(
            shim_python, pyz, "statusline", stdin=stdin, env={"MNGR_AGENT_STATE_DIR": str(state)}
        )
        assert (done.returncode, done.stderr) == (0, b""), path.stem
        assert done.stdout.decode() == GOLDEN[path.stem] + "\n", path.stem
        payload = json.loads(stdin)
        lines = read_events(state)
        if not should_record(payload):
            assert lines == [], path.stem
            continue
        (event,) = lines
        assert tuple(event) == events.EVENT_KEYS
        assert event["session_id"] == payload["session_id"]
        assert event["cost"] == payload["cost"]
        assert event["rate_limits"] == events.decorate_rate_limits(payload.get("rate_limits"))
        assert event["model"] == payload["model"].get("id")
        assert event["claude_version"] == payload.get("version")
        assert event["process"].startswith("linux:")
        assert events_file(state).read_bytes().isascii()
    # The zipapp given straight to the interpreter (through runpy) behaves the same.
    state = tmp_path / "runpy"
    done = subprocess.run(
        [shim_python, "-I", "-S", str(pyz), "statusline"],
        input=PAYLOADS[-1].read_bytes(),
        capture_output=True,
        env={**os.environ, "MNGR_AGENT_STATE_DIR": str(state)},
    )
    assert (done.returncode, done.stdout.decode()) == (0, GOLDEN[PAYLOADS[-1].stem] + "\n")
    assert len(read_events(state)) == 1
    # Chaining and doctor work on this interpreter too, from the compiled-code cache.
    _write_sidecar(state, "cat >/dev/null; echo chained")
    chained = run_shim(
        shim_python,
        pyz,
        "statusline",
        stdin=cost_payload(1),
        env={"MNGR_AGENT_STATE_DIR": str(state)},
    )
    assert (chained.returncode, chained.stdout) == (0, b"chained\n")
    doctor = run_shim(shim_python, pyz, "doctor", env={"MNGR_AGENT_STATE_DIR": str(state)})
    assert doctor.returncode == 0, doctor.stdout
    assert b"compiled-code cache: loaded" in doctor.stdout


def test_version_help_and_unknown_verbs(python: str, pyz: Path) -> None:
    version = run_shim(python, pyz, "--version")
    assert version.returncode == 0 and version.stdout.startswith(b"claude-usage 0.")
    helped = run_shim(python, pyz, "--help")
    assert helped.returncode == 0 and b"statusline" in helped.stdout
    unknown = run_shim(python, pyz, "bogus")
    assert (
        unknown.returncode == 2 and b"unknown verb 'bogus'" in unknown.stderr and not unknown.stdout
    )


class TestRecording:
    def test_write_on_change_with_heartbeat(self, python: str, pyz: Path, state_dir: Path) -> None:
        env = {"MNGR_AGENT_STATE_DIR": str(state_dir)}
        for _ in range(3):
            run_shim(python, pyz, "statusline", stdin=cost_payload(1.0), env=env)
        assert len(read_events(state_dir)) == 1
        run_shim(python, pyz, "statusline", stdin=cost_payload(1.5), env=env)
        assert len(read_events(state_dir)) == 2
        run_shim(python, pyz, "statusline", "--heartbeat", "0", stdin=cost_payload(1.5), env=env)
        run_shim(
            python,
            pyz,
            "statusline",
            stdin=cost_payload(1.5),
            env={**env, "CLAUDE_USAGE_HEARTBEAT": "0"},
        )
        assert [e["cost"]["total_cost_usd"] for e in read_events(state_dir)] == [1.0, 1.5, 1.5, 1.5]

    def test_state_dir_flag_and_events_path_override(
        self, python: str, pyz: Path, tmp_path: Path
    ) -> None:
        flagged = tmp_path / "flagged"
        run_shim(python, pyz, "statusline", f"--state-dir={flagged}", stdin=cost_payload(1))
        assert len(read_events(flagged)) == 1
        override = tmp_path / "custom" / "e.jsonl"
        run_shim(
            python,
            pyz,
            "statusline",
            stdin=cost_payload(1),
            env={"MNGR_USAGE_EVENTS_PATH": str(override)},
        )
        assert len(override.read_text().splitlines()) == 1

    def test_missing_state_dir_records_nothing_and_still_prints(
        self, python: str, pyz: Path, tmp_path: Path
    ) -> None:
        done = run_shim(python, pyz, "statusline", stdin=cost_payload(2), cwd=tmp_path)
        assert (done.returncode, done.stdout.decode()) == (0, "Opus 5 · $2.00 · 5h 44%\n")
        assert not list(tmp_path.rglob("*.jsonl"))

    def test_write_verb_records_without_output(
        self, python: str, pyz: Path, state_dir: Path
    ) -> None:
        done = run_shim(python, pyz, "write", "--state-dir", str(state_dir), stdin=cost_payload(3))
        assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")
        assert read_events(state_dir)[0]["cost"] == {"total_cost_usd": 3}

    def test_quiet_prints_nothing_but_records(
        self, python: str, pyz: Path, state_dir: Path
    ) -> None:
        done = run_shim(
            python,
            pyz,
            "statusline",
            "--quiet",
            "--state-dir",
            str(state_dir),
            stdin=cost_payload(3),
        )
        assert (done.returncode, done.stdout) == (0, b"")
        assert len(read_events(state_dir)) == 1

    def test_one_write_per_event(self, python: str, pyz: Path, state_dir: Path) -> None:
        # posix.write counted inside the real render (the shim writes with nothing else):
        # each event goes out whole in one call, after a torn line as before.
        counting = (
            "import posix,atexit;seen=[];_w=posix.write;"
            "posix.write=lambda fd,data:(seen.append(bytes(data)),_w(fd,data))[1];"
            "atexit.register(lambda:_w(2,repr(seen).encode()));"
        )
        events_path = events_file(state_dir)
        events_path.parent.mkdir(parents=True)
        events_path.write_bytes(b'{"torn')
        for cost in (1.0, 2.0):
            done = subprocess.run(
                [python, "-I", "-S", "-c", counting + LAUNCHER, str(pyz), "statusline"],
                input=cost_payload(cost),
                capture_output=True,
                env={**os.environ, "MNGR_AGENT_STATE_DIR": str(state_dir)},
            )
            assert done.returncode == 0, done.stderr
            seen = ast.literal_eval(done.stderr.decode())
            writes = [w for w in seen if w.lstrip(b"\n").startswith(events.PREFIX.encode())]
            assert len(writes) == 1 and writes[0].endswith(b"\n")
            assert events_path.read_bytes().endswith(writes[0])
        lines = events_path.read_bytes().split(b"\n")
        assert lines[0] == b'{"torn' and len(lines) == 4 and lines[-1] == b""

    def test_torn_line_from_a_killed_writer(self, python: str, pyz: Path, state_dir: Path) -> None:
        run_shim(python, pyz, "statusline", "--state-dir", str(state_dir), stdin=cost_payload(1))
        path = events_file(state_dir)
        with path.open("ab") as f:  # what a writer killed mid-write leaves behind
            f.write(b'{"source":"claude/usage","type":"cost_snapshot","event_id":"evt-')
        run_shim(python, pyz, "statusline", "--state-dir", str(state_dir), stdin=cost_payload(2))
        lines = path.read_bytes().split(b"\n")
        assert len(lines) == 4 and lines[3] == b""
        assert json.loads(lines[0])["cost"]["total_cost_usd"] == 1
        with pytest.raises(json.JSONDecodeError):
            json.loads(lines[1])
        assert json.loads(lines[2])["cost"]["total_cost_usd"] == 2

    def test_privacy_names_only(self, python: str, pyz: Path, state_dir: Path) -> None:
        payload = PAYLOADS[0].parent / "constructed-unicode-paths-and-unknown-keys.json"
        env = {
            "MNGR_AGENT_STATE_DIR": str(state_dir),
            "ANTHROPIC_API_KEY": "sk-ant-very-secret",
            "ANTHROPIC_BASE_URL": "https://gateway.internal.example",
        }
        run_shim(python, pyz, "statusline", stdin=payload.read_bytes(), env=env)
        text = events_file(state_dir).read_text()
        assert "sk-ant-very-secret" not in text and "gateway.internal" not in text
        assert "Users" not in text and "transcript" not in text and "cwd" not in text
        (event,) = read_events(state_dir)
        assert event["auth"] == {"env": ["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"]}

    def test_account_hash_from_claude_config(
        self, python: str, pyz: Path, state_dir: Path, hermetic_env: Path
    ) -> None:
        uuid = "0d6c1f3e-1111-4222-8333-444455556666"
        (hermetic_env / ".claude.json").write_text(
            json.dumps(
                {"numStartups": 3, "oauthAccount": {"accountUuid": uuid, "emailAddress": "me@x.y"}}
            )
        )
        run_shim(python, pyz, "statusline", "--state-dir", str(state_dir), stdin=cost_payload(1))
        run_shim(python, pyz, "statusline", "--state-dir", str(state_dir), stdin=cost_payload(2))
        accounts = {e["account"] for e in read_events(state_dir)}
        import hashlib

        assert accounts == {hashlib.sha256(uuid.encode()).hexdigest()[:12]}
        assert uuid not in events_file(state_dir).read_text()

    def test_debug_goes_to_stderr_only(self, python: str, pyz: Path, tmp_path: Path) -> None:
        done = run_shim(
            python, pyz, "statusline", stdin=b"{not json", env={"CLAUDE_USAGE_DEBUG": "1"}
        )
        assert (done.returncode, done.stdout) == (0, b"")
        assert b"claude-usage: payload:" in done.stderr
        quiet = run_shim(python, pyz, "statusline", stdin=b"{not json")
        assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, b"", b"")


class TestStdin:
    def test_stdin_without_eof_is_bounded(self, python: str, pyz: Path, state_dir: Path) -> None:
        proc = subprocess.Popen(
            [
                python,
                "-I",
                "-S",
                "-c",
                LAUNCHER,
                str(pyz),
                "statusline",
                "--state-dir",
                str(state_dir),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        proc.stdin.write(cost_payload(1))
        proc.stdin.flush()  # and never closed, as Claude Code 2.1.143 did
        started = time.monotonic()
        status = proc.wait(timeout=10)
        waited = time.monotonic() - started
        proc.stdin.close()
        assert status == 0 and proc.stdout.read() == b""
        assert 0.9 <= waited < 5
        assert read_events(state_dir) == []

    def test_oversized_stdin_is_not_parsed(self, python: str, pyz: Path, state_dir: Path) -> None:
        big = json.dumps({"cost": {"total_cost_usd": 1}, "pad": "x" * (1 << 20)}).encode()
        done = run_shim(python, pyz, "statusline", "--state-dir", str(state_dir), stdin=big)
        assert (done.returncode, done.stdout) == (0, b"")
        assert read_events(state_dir) == []


def _write_sidecar(state_dir: Path, command: str, mode: int = 0o600) -> Path:
    path = state_dir / "commands" / "user_statusline_cmd"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(command)
    path.chmod(mode)
    return path


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"  # a zombie no one reaped
    except FileNotFoundError:
        return True


class TestChaining:
    def test_user_command_gets_the_same_stdin_env_and_cwd(
        self, python: str, pyz: Path, state_dir: Path, tmp_path: Path
    ) -> None:
        seen = tmp_path / "seen"
        work = tmp_path / "work dir"
        work.mkdir()
        _write_sidecar(state_dir, 'cat > "$SEEN"; printf "%s|%s\\n" "$PWD" "$MY_SETTING"\n')
        stdin = cost_payload(4.2)
        env = {"MNGR_AGENT_STATE_DIR": str(state_dir), "SEEN": str(seen), "MY_SETTING": "on"}
        done = run_shim(python, pyz, "statusline", stdin=stdin, env=env, cwd=work)
        assert (done.returncode, done.stdout.decode()) == (0, f"{work}|on\n")
        assert seen.read_bytes() == stdin
        assert len(read_events(state_dir)) == 1  # recording happens too

    def test_exit_status_and_output_pass_through(
        self, python: str, pyz: Path, state_dir: Path
    ) -> None:
        _write_sidecar(state_dir, "echo partial; echo oops >&2; exit 7")
        done = run_shim(
            python,
            pyz,
            "statusline",
            stdin=cost_payload(1),
            env={"MNGR_AGENT_STATE_DIR": str(state_dir)},
        )
        assert (done.returncode, done.stdout, done.stderr) == (7, b"partial\n", b"oops\n")

    def test_blank_sidecar_shows_the_built_in_line(
        self, python: str, pyz: Path, state_dir: Path
    ) -> None:
        _write_sidecar(state_dir, "  \n")
        done = run_shim(
            python,
            pyz,
            "statusline",
            stdin=cost_payload(1),
            env={"MNGR_AGENT_STATE_DIR": str(state_dir)},
        )
        assert (done.returncode, done.stdout.decode()) == (0, "Opus 5 · $1.00 · 5h 44%\n")

    def test_hung_command_is_killed_with_its_group_and_last_good_output_shown(
        self, python: str, pyz: Path, state_dir: Path, tmp_path: Path
    ) -> None:
        slow, pids = tmp_path / "slow", tmp_path / "pids"
        _write_sidecar(
            state_dir,
            'if [ -e "$SLOW" ]; then sleep 60 & echo $! > "$PIDS"; sleep 60; fi; echo "good line"',
        )
        env = {"MNGR_AGENT_STATE_DIR": str(state_dir), "SLOW": str(slow), "PIDS": str(pids)}
        first = run_shim(
            python, pyz, "statusline", "--timeout", "0.5", stdin=cost_payload(1), env=env
        )
        assert (first.returncode, first.stdout) == (0, b"good line\n")
        slow.touch()
        started = time.monotonic()
        hung = run_shim(
            python, pyz, "statusline", "--timeout", "0.5", stdin=cost_payload(2), env=env
        )
        took = time.monotonic() - started
        assert (hung.returncode, hung.stdout) == (0, b"good line\n")
        assert took < 5  # bounded by the timeout, not by `sleep 60`
        background = int(pids.read_text())
        deadline = time.monotonic() + 5
        while not _gone(background) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _gone(background)
        assert len(read_events(state_dir)) == 2

    def test_hung_command_without_a_good_output_yet_shows_the_built_in_line(
        self, python: str, pyz: Path, state_dir: Path
    ) -> None:
        _write_sidecar(state_dir, "sleep 60")
        env = {"MNGR_AGENT_STATE_DIR": str(state_dir), "CLAUDE_USAGE_CHAIN_TIMEOUT": "0.3"}
        done = run_shim(python, pyz, "statusline", stdin=cost_payload(1), env=env)
        assert (done.returncode, done.stdout.decode()) == (0, "Opus 5 · $1.00 · 5h 44%\n")

    def test_unsafe_sidecar_is_not_run_and_says_why_on_debug(
        self, python: str, pyz: Path, state_dir: Path, tmp_path: Path
    ) -> None:
        marker = tmp_path / "ran"
        _write_sidecar(state_dir, f"touch {marker}; echo hijacked", mode=0o666)
        env = {"MNGR_AGENT_STATE_DIR": str(state_dir)}
        done = run_shim(python, pyz, "statusline", stdin=cost_payload(1), env=env)
        assert (done.returncode, done.stdout.decode(), done.stderr) == (
            0,
            "Opus 5 · $1.00 · 5h 44%\n",
            b"",
        )
        debug = run_shim(
            python, pyz, "statusline", stdin=cost_payload(1), env={**env, "CLAUDE_USAGE_DEBUG": "1"}
        )
        assert b"writable by group or others" in debug.stderr
        assert not marker.exists()

    @pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
    def test_sidecar_owned_by_someone_else_is_not_run(
        self, python: str, pyz: Path, state_dir: Path
    ) -> None:
        path = _write_sidecar(state_dir, "echo hijacked")
        os.chown(path, 65534, 65534)
        done = run_shim(
            python,
            pyz,
            "statusline",
            stdin=cost_payload(1),
            env={"MNGR_AGENT_STATE_DIR": str(state_dir), "CLAUDE_USAGE_DEBUG": "1"},
        )
        assert done.stdout.decode() == "Opus 5 · $1.00 · 5h 44%\n"
        assert b"owned by uid 65534" in done.stderr


class TestDoctor:
    """`doctor`: one line per check, exit status 1 when any fails."""

    def lines(self, python: str, pyz: Path, env: dict[str, str]) -> tuple[int, list[str]]:
        done = run_shim(python, pyz, "doctor", env=env)
        return done.returncode, done.stdout.decode().splitlines()

    def test_a_host_ready_to_record(self, python: str, pyz: Path, state_dir: Path) -> None:
        version = subprocess.run(
            [python, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        code, lines = self.lines(python, pyz, {"MNGR_AGENT_STATE_DIR": str(state_dir)})
        assert code == 0
        assert lines[0].startswith(f"ok    python {version} at ")
        assert (
            lines[1]
            == f"warn  state dir {state_dir} does not exist yet (the first render creates it)"
        )
        assert lines[2].startswith(f"ok    events file {events_file(state_dir)} does not exist yet")
        assert lines[3].startswith("ok    no user status-line command at ")

    def test_no_state_dir_is_a_warning(self, python: str, pyz: Path) -> None:
        code, lines = self.lines(python, pyz, {})
        assert code == 0
        assert lines[1].startswith("warn  no state dir: set MNGR_AGENT_STATE_DIR")
        assert lines[2] == "warn  no events file: nothing will be recorded"

    def test_an_events_file_it_cannot_write(
        self, python: str, pyz: Path, tmp_path: Path, tmpfs
    ) -> None:
        state = tmp_path / "ro-agent"
        events_path = events_file(state)
        mounted = tmpfs(state, "size=64k")
        events_path.parent.mkdir(parents=True)
        events_path.write_bytes(b"")
        if mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(state)], check=True)
        else:
            events_path.chmod(0o400)  # not root: permissions suffice
        code, lines = self.lines(python, pyz, {"MNGR_AGENT_STATE_DIR": str(state)})
        assert code == 1
        assert lines[2].startswith(f"FAIL  events file {events_path} is not writable: ")

    def test_an_unsafe_user_command(self, python: str, pyz: Path, state_dir: Path) -> None:
        _write_sidecar(state_dir, "echo mine", mode=0o666)
        code, lines = self.lines(python, pyz, {"MNGR_AGENT_STATE_DIR": str(state_dir)})
        assert code == 1
        assert lines[3].startswith("FAIL  user status-line command ")
        assert "is not run: " in lines[3] and "writable" in lines[3]

    def test_a_safe_user_command_is_shown(self, python: str, pyz: Path, state_dir: Path) -> None:
        _write_sidecar(state_dir, "echo mine")
        code, lines = self.lines(python, pyz, {"MNGR_AGENT_STATE_DIR": str(state_dir)})
        assert code == 0 and lines[3].endswith(": echo mine")


class TestFailuresNeverBreakTheLine:
    def test_read_only_state_dir(self, python: str, pyz: Path, tmp_path: Path, tmpfs) -> None:
        state = tmp_path / "ro-agent"
        if not tmpfs(state, "ro,size=64k"):
            state.mkdir(exist_ok=True)
            state.chmod(0o500)  # not root: permissions suffice
        done = run_shim(
            python,
            pyz,
            "statusline",
            stdin=cost_payload(1),
            env={"MNGR_AGENT_STATE_DIR": str(state), "CLAUDE_USAGE_DEBUG": "1"},
        )
        assert (done.returncode, done.stdout.decode()) == (0, "Opus 5 · $1.00 · 5h 44%\n")
        assert b"not recorded" in done.stderr
        assert not events_file(state).exists()

    def test_full_disk(self, python: str, pyz: Path, tmp_path: Path, tmpfs) -> None:
        state = tmp_path / "full-agent"
        if tmpfs(state, "size=16k"):
            with open(state / "filler", "wb") as f, contextlib.suppress(OSError):
                f.write(b"x" * (1 << 20))
            env = {"MNGR_AGENT_STATE_DIR": str(state), "CLAUDE_USAGE_DEBUG": "1"}
        else:  # no mount: /dev/full answers every write with ENOSPC
            env = {"MNGR_USAGE_EVENTS_PATH": "/dev/full", "CLAUDE_USAGE_DEBUG": "1"}
        done = run_shim(python, pyz, "statusline", stdin=cost_payload(1), env=env)
        assert (done.returncode, done.stdout.decode()) == (0, "Opus 5 · $1.00 · 5h 44%\n")
        assert b"not recorded" in done.stderr
        assert b"No space left" in done.stderr or b"Errno 28" in done.stderr

    def test_symlinked_events_file_is_not_followed(
        self, python: str, pyz: Path, state_dir: Path, tmp_path: Path
    ) -> None:
        target = tmp_path / "target"
        target.write_text("")
        path = events_file(state_dir)
        path.parent.mkdir(parents=True)
        path.symlink_to(target)
        done = run_shim(
            python,
            pyz,
            "statusline",
            stdin=cost_payload(1),
            env={"MNGR_AGENT_STATE_DIR": str(state_dir)},
        )
        assert (done.returncode, done.stdout.decode()) == (0, "Opus 5 · $1.00 · 5h 44%\n")
        assert target.read_text() == ""
        doctor = run_shim(python, pyz, "doctor", env={"MNGR_AGENT_STATE_DIR": str(state_dir)})
        assert doctor.returncode == 1 and b"FAIL  events file" in doctor.stdout


class TestBytecodeCache:
    def _doctor_cache_line(self, python: str, pyz: Path) -> str:
        done = run_shim(python, pyz, "doctor")
        return next(
            line for line in done.stdout.decode().splitlines() if "compiled-code cache" in line
        )

    def test_written_once_then_loaded(self, python: str, pyz: Path) -> None:
        tag = sys.implementation.cache_tag
        cache = pyz.with_name(f"claude_usage.pyz.{tag}.cache")
        assert "written" in self._doctor_cache_line(python, pyz)
        assert oct(cache.stat().st_mode & 0o777) == "0o600"
        assert "loaded" in self._doctor_cache_line(python, pyz)

    def test_a_new_zipapp_invalidates_the_cache(
        self, python: str, pyz: Path, tmp_path: Path
    ) -> None:
        self._doctor_cache_line(python, pyz)
        new = tmp_path / "new.pyz"
        shutil.copy2(pyz, new)
        new.replace(pyz)  # as the provisioner installs: a new file, renamed over the old
        assert "written" in self._doctor_cache_line(python, pyz)

    @pytest.mark.parametrize("damage", ["group-writable", "garbage", "truncated"])
    def test_a_cache_it_cannot_trust_is_rebuilt(self, python: str, pyz: Path, damage: str) -> None:
        self._doctor_cache_line(python, pyz)
        cache = pyz.with_name(f"claude_usage.pyz.{sys.implementation.cache_tag}.cache")
        if damage == "group-writable":
            cache.chmod(0o620)
        elif damage == "garbage":
            data = cache.read_bytes()
            cache.write_bytes(data[:40] + b"\x00garbage" + data[48:])
        else:
            cache.write_bytes(cache.read_bytes()[:100])
        assert "written" in self._doctor_cache_line(python, pyz)
        done = run_shim(python, pyz, "statusline", stdin=cost_payload(1))
        assert (done.returncode, done.stdout.decode()) == (0, "Opus 5 · $1.00 · 5h 44%\n")

    def test_unwritable_cache_dir_still_works(
        self, python: str, pyz: Path, tmp_path: Path, tmpfs
    ) -> None:
        ro = tmp_path / "ro-commands"
        if tmpfs(ro, "size=1m"):
            shutil.copy2(pyz, ro / pyz.name)
            subprocess.run(["mount", "-o", "remount,ro", str(ro)], check=True)
        else:
            shutil.copy2(pyz, ro / pyz.name)
            ro.chmod(0o500)
        assert "not written" in self._doctor_cache_line(python, ro / pyz.name)
        done = run_shim(python, ro / pyz.name, "statusline", stdin=cost_payload(1))
        assert (done.returncode, done.stdout.decode()) == (0, "Opus 5 · $1.00 · 5h 44%\n")


def test_a_render_imports_only_what_it_uses(python: str, pyz: Path, state_dir: Path) -> None:
    report = (
        "import atexit,sys,posix;atexit.register(lambda:posix.write(2,"
        "' '.join(sorted(sys.modules)).encode()));"
    )
    env = {"MNGR_AGENT_STATE_DIR": str(state_dir)}
    for _ in range(2):  # the second render runs from the compiled-code cache
        done = subprocess.run(
            [python, "-I", "-S", "-c", report + LAUNCHER, str(pyz), "statusline"],
            input=cost_payload(1),
            capture_output=True,
            env={**os.environ, **env},
        )
    loaded = set(done.stderr.decode().split())
    assert {"claude_usage.shim.statusline", "claude_usage.shim.append", "_json"} <= loaded
    heavy = {
        "os",
        "subprocess",
        "re",
        "json",
        "zlib",
        "hashlib",
        "typing",
        "pathlib",
        "dataclasses",
    }
    assert loaded & heavy == set()
    assert not any(
        name.startswith(("claude_usage.reader", "claude_usage.cli", "typer", "orjson"))
        for name in loaded
    )
