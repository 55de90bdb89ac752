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


class OnTerminal:
    """A command with stdout and stderr on one pseudo-terminal, read as it runs."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = os.openpty()
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env
        )
        os.close(slave)
        self.master = master
        self.output = bytearray()

    def read_until(self, needle: bytes, timeout: float = 20) -> bytes:
        """All output so far, once `needle` has appeared in what came after the call began."""
        start = len(self.output)
        deadline = time.monotonic() + timeout
        while needle not in self.output[start:]:
            left = deadline - time.monotonic()
            assert left > 0, f"{needle!r} not shown; the terminal got {bytes(self.output)!r}"
            ready, _, _ = select.select([self.master], [], [], min(left, 0.5))
            if ready:
                try:
                    data = os.read(self.master, 65536)
                except OSError:  # EIO: the command closed its side
                    data = b""
                assert data, f"ended before {needle!r}: {bytes(self.output)!r}"
                self.output.extend(data)
        return bytes(self.output)

    def finish(self, timeout: float = 20) -> int:
        """Wait for the command to end, reading what it still writes; its exit code."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    data = os.read(self.master, 65536)
                except OSError:
                    break
                if not data:
                    break
                self.output.extend(data)
            elif self.proc.poll() is not None:
                break
        try:
            return self.proc.wait(timeout=max(1, deadline - time.monotonic()))
        finally:
            os.close(self.master)
            if self.proc.poll() is None:
                self.proc.kill()
