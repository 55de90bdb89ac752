"""Run a command with its stderr on a pseudo-terminal and its stdout on a pipe."""

from __future__ import annotations

import os
import select
import subprocess
import time


def run_with_tty_stderr(
    argv: list[str], env: dict[str, str], timeout: float = 60
) -> tuple[int, bytes, bytes]:
    """(exit code, stdout, stderr): stderr as the terminal got it (escape codes, `\\r\\n`)."""
    master, slave = os.openpty()
    proc = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, env=env
    )
    os.close(slave)
    out, err = bytearray(), bytearray()
    stdout_fd = proc.stdout.fileno()  # type: ignore[union-attr]
    open_fds = {master, stdout_fd}
    deadline = time.monotonic() + timeout
    try:
        # Drain both while it runs: a full pty buffer would block the child.
        while open_fds and time.monotonic() < deadline:
            ready, _, _ = select.select(list(open_fds), [], [], 1)
            for fd in ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:  # the pty's EIO once the child closed its side
                    data = b""
                if data:
                    (err if fd == master else out).extend(data)
                else:
                    open_fds.discard(fd)
        code = proc.wait(timeout=max(1, deadline - time.monotonic()))
    finally:
        os.close(master)
        proc.stdout.close()  # type: ignore[union-attr]
        if proc.poll() is None:
            proc.kill()
    return code, bytes(out), bytes(err)
