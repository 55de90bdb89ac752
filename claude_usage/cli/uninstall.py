"""`claude-usage uninstall`: put the status line back as it was; the events stay."""

from __future__ import annotations

from pathlib import Path

from claude_usage.cli import options
from claude_usage.cli.output import echo_steps, reporting_errors


def uninstall(
    project: Path | None = options.PROJECT,
    dry_run: bool = options.DRY_RUN,
) -> None:
    """Restore your status line (for your user or one --project); keep the events."""
    import os

    from claude_usage.provision.host import LocalHost
    from claude_usage.provision.install import standalone_target
    from claude_usage.provision.uninstall import uninstall as run_uninstall

    with reporting_errors():
        target = standalone_target(os.environ, project)
        plan = run_uninstall(LocalHost(target.host_dir), target, dry_run=dry_run)
    echo_steps(plan, dry_run)
