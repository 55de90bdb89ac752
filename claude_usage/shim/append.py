"""The one write (SPEC §4): one `write()` on an `O_APPEND | O_NOFOLLOW` descriptor.

Many renders from many processes append to the same file. A whole line goes out in a
single `write()` on an `O_APPEND` descriptor; a writer killed mid-line leaves a fragment
without `\\n`, and the next line starts with `\\n` so it is never glued to that fragment.
"""

import posix
import time

from . import events

_FLAGS = posix.O_RDWR | posix.O_APPEND | posix.O_CREAT | posix.O_NOFOLLOW | posix.O_CLOEXEC
_TAIL = 8192  # enough for the last line of any render we write
_LOCK_TRIES = 20  # about 20 ms at most
_UNLOCKED_LOOKS = 5  # another 5 ms at most, and only for an unlocked writer facing a fragment
_PREFIX = events.PREFIX.encode()


def is_repeat(tail: "bytes", body: "bytes", fresh_after: "bytes") -> "bool":
    """True if the last line of `tail` says what `body` says and is not older than `fresh_after`.

    `tail` ends with `\\n`. Lines are compared from the body offset on, so event id and
    timestamp are ignored; timestamps compare as strings because they have a fixed width.
    """
    start = tail.rfind(b"\n", 0, len(tail) - 1) + 1
    last = tail[start:-1]
    return (
        last.startswith(_PREFIX)
        and last[events.BODY_OFFSET :] == body
        and last[events.TIMESTAMP_OFFSET : events.TIMESTAMP_OFFSET + events.TIMESTAMP_LEN]
        >= fresh_after
    )


def _open(path: "bytes") -> "int":
    try:
        return posix.open(path, _FLAGS, 0o600)
    except FileNotFoundError:
        _make_dirs(path[: path.rindex(b"/")])
        return posix.open(path, _FLAGS, 0o600)


def _make_dirs(path: "bytes") -> None:
    try:
        posix.mkdir(path, 0o700)
    except FileExistsError:
        return
    except FileNotFoundError:
        parent = path[: path.rindex(b"/")]
        if not parent:
            raise
        _make_dirs(parent)
        try:
            posix.mkdir(path, 0o700)
        except FileExistsError:
            pass


def _lock(fd: "int") -> "bool":
    """Serialize writers between reading the tail and appending, best effort.

    Without it, a writer can read another's line half-landed (a line across two pages
    becomes visible in two steps) and take it for a dead writer's fragment. The wait is
    bounded, since a stopped process may hold the lock, and a file system without
    locks simply goes unlocked: the status line never waits on this. True if locked.
    """
    for _ in range(_LOCK_TRIES):
        try:
            posix.lockf(fd, posix.F_TLOCK, 0)
            return True
        except (BlockingIOError, PermissionError):  # EAGAIN / EACCES: held by another writer
            time.sleep(0.001)
        except OSError:
            return False
    return False


def _tail(fd: "int", size: "int") -> "bytes":
    n = min(size, _TAIL)
    return posix.pread(fd, n, size - n)


def append_event(path: "bytes", head: "bytes", body: "bytes", fresh_after: "bytes") -> "bool":
    """Append `head + body` as one line unless it repeats a fresh last line. True if written."""
    fd = _open(path)
    try:
        locked = _lock(fd)  # released when fd is closed, or when this process dies
        size = posix.fstat(fd).st_size
        lead = b""
        if size:
            tail = _tail(fd, size)
            for _ in range(0 if locked else _UNLOCKED_LOOKS):
                if tail.endswith(b"\n"):
                    break
                # Unlocked (the lock timed out on a busy machine): the fragment may be a
                # live writer's line still landing. Look again before calling it dead.
                time.sleep(0.001)
                size = posix.fstat(fd).st_size
                tail = _tail(fd, size)
            if not tail.endswith(b"\n"):
                lead = b"\n"  # an earlier writer died mid-line
            elif is_repeat(tail, body, fresh_after):
                return False
        posix.write(fd, lead + head + body + b"\n")
        return True
    finally:
        posix.close(fd)
