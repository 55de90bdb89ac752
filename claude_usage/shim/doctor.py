"""`doctor`: check that this host can record renders, without recording one.

Prints one line per check (`ok`, `warn` or `FAIL`) and exits 1 if any check failed.
"""

import os
import sys

from . import events
from .statusline import locate, parse_options

_OK, _WARN, _FAIL = "ok", "warn", "FAIL"


def _check_python() -> "tuple":
    version = "%d.%d.%d" % sys.version_info[:3]
    where = sys.executable or "?"
    if sys.version_info < (3, 8):  # noqa: UP036 - the zipapp may be run by an older Python
        return _FAIL, "python %s at %s: the shim needs 3.8 or newer" % (version, where)
    return _OK, "python %s at %s" % (version, where)


def _check_state_dir(state_dir: "object") -> "tuple":
    if state_dir is None:
        return _WARN, "no state dir: set %s or pass --state-dir (renders are not recorded)" % (
            events.ENV_STATE_DIR
        )
    path = os.fsdecode(state_dir)
    if not os.path.isdir(path):
        return _WARN, "state dir %s does not exist yet (the first render creates it)" % path
    return _OK, "state dir %s" % path


def _check_events(events_path: "object") -> "tuple":
    if events_path is None:
        return _WARN, "no events file: nothing will be recorded"
    path = os.fsdecode(events_path)
    if os.path.islink(path):
        return _FAIL, "events file %s is a symlink; the shim refuses to follow it" % path
    if os.path.exists(path):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW)
            os.close(fd)
        except OSError as error:
            return _FAIL, "events file %s is not writable: %s" % (path, error.strerror)
        st = os.stat(path)
        return _OK, "events file %s (writable, %d bytes, last change %s)" % (
            path,
            st.st_size,
            _age(st.st_mtime),
        )
    return _probe_dir(os.path.dirname(path), "events file %s" % path)


def _probe_dir(directory: "str", what: "str") -> "tuple":
    # Find the nearest existing ancestor and try to create a file there.
    probe_dir = directory
    while probe_dir and not os.path.isdir(probe_dir):
        probe_dir = os.path.dirname(probe_dir)
    probe = os.path.join(probe_dir or ".", ".claude-usage-doctor.%d" % os.getpid())
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.unlink(probe)
    except OSError as error:
        return _FAIL, "%s cannot be created in %s: %s" % (what, probe_dir, error.strerror)
    return _OK, "%s does not exist yet; it can be created" % what


def _check_sidecar(sidecar: "object") -> "tuple":
    if sidecar is None:
        return _OK, "no user status-line command (the built-in line is shown)"
    path = os.fsdecode(sidecar)
    if not os.path.lexists(path):
        return _OK, "no user status-line command at %s (the built-in line is shown)" % path
    from .chain import read_sidecar

    command, refusal = read_sidecar(sidecar)
    if refusal:
        return _FAIL, "user status-line command %s is not run: %s" % (path, refusal)
    if command is None:
        return _OK, "user status-line command %s is blank (the built-in line is shown)" % path
    return _OK, "user status-line command %s: %s" % (path, command.decode(errors="replace"))


def _check_bytecode_cache() -> "tuple":
    from . import bytecode_cache

    status = _OK if bytecode_cache.startswith(("loaded", "written", "none")) else _WARN
    return status, "compiled-code cache: " + bytecode_cache


def _age(mtime: "float") -> "str":
    import time

    seconds = max(0, int(time.time() - mtime))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return "%d%s ago" % (seconds // size, unit)
    return "%ds ago" % seconds


def run_doctor(argv: "list") -> int:
    """Print the checks; exit status 1 if any failed."""
    options = parse_options(argv)
    state_dir = options["state_dir"]
    if state_dir is None:
        state_dir = os.environb.get(events.ENV_STATE_DIR.encode()) or None
    events_path, sidecar = locate(options["state_dir"])
    checks = [
        _check_python(),
        _check_state_dir(state_dir),
        _check_events(events_path),
        _check_sidecar(sidecar),
        _check_bytecode_cache(),
    ]
    for status, message in checks:
        sys.stdout.write("%-4s  %s\n" % (status, message))
    return 1 if any(status == _FAIL for status, _ in checks) else 0
