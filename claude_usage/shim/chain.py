"""The user's own status-line command (SPEC §5): run it as Claude Code would, time-bounded.

Imported only when the sidecar holds a command, because `subprocess` costs milliseconds.
"""

import posix
import signal
import subprocess

_MAX_COMMAND = 1 << 16
_GROUP_WRITABLE = 0o022
_CANCEL_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)


def read_sidecar(path: "bytes") -> "tuple":
    """(command, refusal): the sidecar's command if it is safe to run, else why not.

    Both are None when there is no sidecar or it is blank.
    """
    try:
        fd = posix.open(path, posix.O_RDONLY | posix.O_NOFOLLOW | posix.O_CLOEXEC)
    except FileNotFoundError:
        return None, None
    except OSError as error:
        return None, "cannot open %s: %s" % (path.decode(errors="replace"), error.strerror)
    try:
        st = posix.fstat(fd)
        if st.st_mode & 0o170000 != 0o100000:
            return None, "not a regular file"
        if st.st_uid != posix.geteuid():
            return None, "owned by uid %d, not by uid %d" % (st.st_uid, posix.geteuid())
        if st.st_mode & _GROUP_WRITABLE:
            return None, "writable by group or others (mode %o)" % (st.st_mode & 0o777)
        data = posix.read(fd, _MAX_COMMAND)
    finally:
        posix.close(fd)
    command = data.rstrip(b"\r\n")  # as `sh` would read it with $(cat ...)
    if not command.strip():
        return None, None
    from .command import is_shim_command

    if is_shim_command(command.decode("utf-8", "replace")):
        return None, "it runs a usage shim, which would chain to itself"
    return command, None


def start(command: "bytes") -> "subprocess.Popen":
    """Start `sh -c command` in its own process group, with our environment and cwd."""
    return subprocess.Popen(
        [b"/bin/sh", b"-c", command],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        start_new_session=True,
    )


def _kill_group(proc: "subprocess.Popen") -> None:
    try:
        posix.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass


def finish(proc: "subprocess.Popen", stdin: "bytes", timeout: "float") -> "tuple":
    """(stdout, exit status) of the command fed `stdin`, or (None, None) past `timeout`.

    On timeout, or if Claude Code cancels us, the command's whole process group is killed.
    """

    def _cancelled(signum, frame):
        _kill_group(proc)
        signal.signal(signum, signal.SIG_DFL)
        posix.kill(posix.getpid(), signum)

    previous = {sig: signal.signal(sig, _cancelled) for sig in _CANCEL_SIGNALS}
    try:
        out, _ = proc.communicate(stdin, timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        proc.wait()
        return None, None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    status = proc.returncode
    return out, (128 - status if status < 0 else status)


def load_last_good(path: "bytes", command: "bytes") -> "object":
    """The last output the same command gave with exit 0, or None."""
    try:
        fd = posix.open(path, posix.O_RDONLY | posix.O_NOFOLLOW | posix.O_CLOEXEC)
    except OSError:
        return None
    try:
        data = posix.read(fd, _MAX_COMMAND * 4)
    finally:
        posix.close(fd)
    saved_command, sep, output = data.partition(b"\0")
    return output if sep and saved_command == command else None


def save_last_good(path: "bytes", command: "bytes", output: "bytes") -> None:
    """Remember `output` for `command` unless it is already what is saved (atomic replace)."""
    if load_last_good(path, command) == output:
        return
    tmp = path + b".%d.tmp" % posix.getpid()
    flags = posix.O_WRONLY | posix.O_CREAT | posix.O_TRUNC | posix.O_NOFOLLOW | posix.O_CLOEXEC
    fd = posix.open(tmp, flags, 0o600)
    try:
        posix.write(fd, command + b"\0" + output)
    finally:
        posix.close(fd)
    posix.rename(tmp, path)
