"""mngr hook implementations: adapt mngr's objects and hand off to the provisioner.

mngr loads this module through the `mngr` entry point `claude_usage_meter` whenever any
`mngr` command starts, and a plugin that fails to import breaks every command. So mngr
itself is imported only inside the hooks; pluggy is mngr's plugin library.
"""

from __future__ import annotations

from typing import Any

import pluggy

hookimpl = pluggy.HookimplMarker("mngr")


# trylast: after upstream's claude_usage provisioner, if installed, so its shim is
# recognised as a shim (never captured as the user's command) and replaced by ours.
@hookimpl(trylast=True)
def on_before_provisioning(agent: Any, host: Any, mngr_ctx: Any) -> None:
    """Wire a Claude agent's status line to the shim; log, never raise (SPEC §6.4)."""
    if not _is_claude_agent(agent):
        return
    import os
    from pathlib import Path

    from loguru import logger

    from claude_usage.errors import ClaudeUsageError
    from claude_usage.provision.clash import upstream_warnings
    from claude_usage.provision.host import LocalHost
    from claude_usage.provision.install import install, mngr_agent_target
    from claude_usage.provision.mngr_host import MngrHost

    for warning in upstream_warnings():
        logger.warning("claude-usage: {}", warning)
    try:
        target = mngr_agent_target(
            Path(host.host_dir), str(agent.id), Path(agent.work_dir), os.environ
        )
        local = LocalHost(Path(mngr_ctx.config.default_host_dir).expanduser())
        plan = install(MngrHost(host), target, local=local)
    except Exception as error:  # a hook that raises aborts `mngr create`
        # Ours (a broken settings file) is a message; anything else is a bug: traceback.
        logger.opt(exception=not isinstance(error, ClaudeUsageError)).error(
            "claude-usage: agent {} records no usage: {}", agent.name, error
        )
        return
    for step in plan:
        logger.debug("claude-usage: {}", step.describe())


# trylast: mngr keeps the last command registered under a name, so with upstream's
# imbue-mngr-usage installed too, `mngr usage` is ours (doctor and the log say so).
@hookimpl(trylast=True)
def register_cli_commands() -> list[Any]:
    """The reader as `mngr usage` and `mngr usage watch|wait|history` (typer converted to click)."""
    from claude_usage.cli.mngr_usage import build_usage_command

    return [build_usage_command()]


@hookimpl
def on_before_agent_destroy(agent: Any, host: Any) -> None:
    """Copy the agent's usage events into its preserved archive; log, never raise."""
    from loguru import logger

    from claude_usage.provision.mngr_preserve import preserve_agent_usage

    try:
        plan = preserve_agent_usage(agent, host)
    except Exception as error:  # a hook that raises aborts the destroy
        logger.error("claude-usage: usage events of {} not preserved: {}", agent.name, error)
        return
    for step in plan:
        logger.debug("claude-usage: {}", step.describe())


def _is_claude_agent(agent: Any) -> bool:
    # Claude agent classes live in imbue-mngr-claude; without it there are none.
    try:
        from imbue.mngr_claude.plugin import ClaudeCoreAgent
    except ImportError:
        return False
    return isinstance(agent, ClaudeCoreAgent)
