"""`claude-usage install`: wire Claude Code's status line to the shim, without mngr."""

from __future__ import annotations

from pathlib import Path

from claude_usage.cli import options
from claude_usage.cli.output import echo_steps, reporting_errors


def install(
    project: Path | None = options.PROJECT,
    python: str | None = options.PYTHON,
    dry_run: bool = options.DRY_RUN,
) -> None:
    """Record every render: for your user (~/.claude/settings.json) or one --project."""
    import os

    from claude_usage.provision import install as core
    from claude_usage.provision.host import LocalHost

    with reporting_errors():
        target = core.standalone_target(os.environ, project, core.choose_python(os.environ, python))
        plan = core.install(LocalHost(target.host_dir), target, dry_run=dry_run)
    echo_steps(plan, dry_run)
