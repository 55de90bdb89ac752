"""`mngr usage`: the report command, inside mngr, over the agents mngr lists (SPEC §6, §7).

One reader, two front doors: this is the typer `report` command converted to click,
with its own options kept (`--json`, `--detail`, `--since`, ...) except `--format`,
which mngr's common options provide (`human`, `json`, `jsonl`, and here `prometheus`),
together with `-v`/`-q`/`-S` and the rest; then mngr's agent filters (`--include` /
`--exclude` CEL, `--local`, `--remote`, `--label`, ...) and `--provider`, which select
agents through mngr's own listing. Imported only by the plugin's `register_cli_commands`,
so mngr is installed wherever this module is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import typer
from imbue.mngr.cli.common_opts import add_common_options, setup_command_context
from imbue.mngr.cli.filter_opts import (
    AgentFilterCliOptions,
    add_agent_filter_options,
    build_agent_filter_cel,
)
from imbue.mngr.config.data_types import CommonCliOptions

from claude_usage.cli.options import Format
from claude_usage.cli.report import check_rollup, emit_report, make_rollup, report

COMMAND_NAME = "usage"
HELP = (
    "Report what Claude Code agents cost, per session and auth mode, and the plan's "
    "rate-limit windows, over the agents mngr lists (claude-usage)."
)


class UsageCliOptions(CommonCliOptions, AgentFilterCliOptions):
    """Every option of `mngr usage`, as mngr's command setup validates them."""

    provider: tuple[str, ...] = ()
    json_flag: bool = False
    detail: bool = False
    since: int
    stale_after: int
    host_dir: tuple[Path, ...] | None = None
    events: tuple[Path, ...] | None = None
    agent: tuple[str, ...] | None = None
    preserved: bool = True
    cache: bool = True
    by: tuple[str, ...] | None = None
    utc: bool = False


def build_usage_command() -> click.Command:
    """The click command mngr registers as `mngr usage`."""
    app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)
    app.command(COMMAND_NAME, help=HELP)(report)
    converted = typer.main.get_command(app)
    ours = [param for param in converted.params if param.name != "output_format"]
    for param in ours:
        if param.name == "host_dir":  # inside mngr, mngr's agents are the default
            param.help = "Another host dir to read too (repeatable)."
    theirs = list(reversed(_usage.__click_params__))  # type: ignore[attr-defined]
    # A plain click command: typer's help would hide the titles of mngr's option groups
    # (which find their options by the command's callback).
    return click.Command(COMMAND_NAME, params=ours + theirs, callback=_usage, help=HELP)


@add_common_options
@add_agent_filter_options
@click.option("--provider", multiple=True, help="Show only agents using this provider (repeatable)")
def _usage(**_: Any) -> None:
    from claude_usage.cli.output import reporting_errors
    from claude_usage.cli.progress import progress_on_stderr
    from claude_usage.provision.clash import USAGE_COMMAND_CLASH, upstream_warnings
    from claude_usage.reader.collect import Selection, collect_report
    from claude_usage.reader.mngr_discover import AgentQuery, discover_mngr

    ctx = click.get_current_context()
    mngr_ctx, output, opts = setup_command_context(
        ctx=ctx,
        command_name=COMMAND_NAME,
        command_class=UsageCliOptions,
        extra_builtin_format_names=frozenset({Format.prometheus.value}),
    )
    fmt = Format(output.extra_format or output.output_format.value.lower())
    if opts.json_flag:
        fmt = Format.json
    by = list(opts.by or ())
    check_rollup(by, fmt)
    include, exclude = build_agent_filter_cel(opts, mngr_ctx.concurrency_group)
    selection = Selection(
        list(opts.host_dir or ()),
        list(opts.events or ()),
        list(opts.agent or ()),
        opts.preserved,
        opts.since,
        opts.stale_after,
        opts.cache,
    )
    with reporting_errors():
        found = discover_mngr(mngr_ctx, AgentQuery(include, exclude, opts.provider, opts.preserved))
        with progress_on_stderr(enabled=not opts.quiet) as on_progress:  # -q: no bar either
            result, warnings = collect_report(
                selection, listed=found.files, on_progress=on_progress
            )
    clash = upstream_warnings([USAGE_COMMAND_CLASH])  # ours hides upstream's `mngr usage`
    rollup = make_rollup(result, by, opts.utc)
    emit_report(result, fmt, opts.detail, clash + found.warnings + warnings, rollup, opts.utc)
