"""A provisioning plan as steps, each one file written or removed, applied through a host.

Planning reads and decides; applying only writes. So `--dry-run` shows exactly what a
real run does, and the CLI prints the same list either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from claude_usage.provision.host import Host, HostError, read_optional_bytes

WRITE, REMOVE, KEEP = "write", "remove", "keep"
_VERBS = {
    WRITE: ("wrote", "would write"),
    REMOVE: ("removed", "would remove"),
    KEEP: ("left", "would leave"),
}


@dataclass(frozen=True)
class Step:
    """One file: written with `data`, removed, or deliberately left alone (`keep`)."""

    action: str
    path: Path
    what: str
    data: bytes | None = None
    mode: int | None = None

    def describe(self, dry_run: bool = False) -> str:
        """One line for people: `wrote <path>: <what>` (`would write` with dry_run)."""
        return f"{_VERBS[self.action][dry_run]} {self.path}: {self.what}"


def write(path: Path, data: bytes, what: str, mode: int | None = None) -> Step:
    """A step that writes `data` to `path`."""
    return Step(WRITE, path, what, data, mode)


def remove(path: Path, what: str) -> Step:
    """A step that removes `path`."""
    return Step(REMOVE, path, what)


def keep(path: Path, why: str) -> Step:
    """A note that `path` is deliberately left as it is."""
    return Step(KEEP, path, why)


def changes(steps: Sequence[Step]) -> list[Step]:
    """The steps that change a file."""
    return [step for step in steps if step.action != KEEP]


def apply_steps(host: Host, steps: Sequence[Step]) -> None:
    """Carry out the steps in order, or none of them.

    If one fails, the files changed before it are put back as they were (a file that was
    not there is removed again), so a plan is never left half done; HostError names the
    file that failed, and any file that could not be put back.
    """
    done: list[tuple[Step, bytes | None]] = []
    for step in changes(steps):
        try:
            before = read_optional_bytes(host, step.path)
            if step.action == REMOVE:
                host.remove_file(step.path)
            else:
                assert step.data is not None
                host.write_file(step.path, step.data, step.mode)
        except (OSError, HostError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            stuck = _undo(host, done)
            after = f"; could not put back {', '.join(stuck)}" if stuck else "; nothing was changed"
            raise HostError(f"cannot {step.action} {step.path}: {reason}{after}") from None
        done.append((step, before))


def _undo(host: Host, done: list[tuple[Step, bytes | None]]) -> list[str]:
    """Put the files of `done` back, newest first; the paths that could not be."""
    stuck = []
    for step, before in reversed(done):
        try:
            if before is None:
                host.remove_file(step.path)
            else:
                # A removed file comes back private: its mode was not kept.
                mode = step.mode if step.action == WRITE else 0o600
                host.write_file(step.path, before, mode)
        except OSError:
            stuck.append(str(step.path))
    return stuck
