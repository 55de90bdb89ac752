"""A stable key for the Claude Code process that rendered (SPEC §4 `process`)."""

import posix

# Launchers between Claude Code and us: `sh -c` and the wrappers people put in front.
_LAUNCHERS = frozenset(
    (b"sh", b"bash", b"dash", b"zsh", b"ksh", b"mksh", b"ash", b"busybox", b"fish", b"env")
) | frozenset((b"timeout", b"nice", b"nohup", b"stdbuf"))


def _read(path: "bytes") -> "bytes":
    fd = posix.open(path, posix.O_RDONLY | posix.O_CLOEXEC)
    try:
        return posix.read(fd, 4096)
    finally:
        posix.close(fd)


def parse_proc_stat(stat: "bytes") -> "tuple":
    """(comm, ppid, starttime) from a /proc/<pid>/stat line."""
    close = stat.rindex(b")")  # comm may itself hold spaces and parentheses
    fields = stat[close + 2 :].split()
    return stat[stat.index(b"(") + 1 : close], int(fields[1]), fields[19].decode()


def process_key() -> "str":
    """`linux:<boot>:<pid>:<start>` of the nearest non-launcher ancestor, else `ppid:<pid>`."""
    pid = posix.getppid()
    try:
        boot = _read(b"/proc/sys/kernel/random/boot_id")[:8].decode()
        for _ in range(8):
            comm, ppid, start = parse_proc_stat(_read(b"/proc/%d/stat" % pid))
            if comm not in _LAUNCHERS or ppid <= 1:
                break
            pid = ppid
    except (OSError, ValueError, IndexError):
        return "ppid:%d" % posix.getppid()
    return "linux:%s:%d:%s" % (boot, pid, start)
