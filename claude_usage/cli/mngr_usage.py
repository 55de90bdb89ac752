"""`mngr usage`: the reading commands inside mngr, over the agents mngr lists (SPEC §6, §7).

One reader, two front doors: `mngr usage` is the typer `report` command converted to
click, and `mngr usage watch|wait|history` are those typer commands converted the same
way. Each keeps its own options (`--json`, `--detail`, `--since`, `--interval`, ...)
except `--format`, which mngr's common options provide, together with `-v`/`-q`/`-S`
and the rest; then mngr's agent filters (`--include` / `--exclude` CEL, `--local`,
`--remote`, `--label`, ...) and `--provider`, which select agents through mngr's own
listing, so every command sees the same agents. Imported only by the plugin's
`register_cli_commands`, so mngr is installed wherever this module is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import typer
from click.core import ParameterSource
from imbue.mngr.cli.common_opts import add_common_options, setup_command_context
from imbue.mngr.cli.filter_opts import (
    AgentFilterCliOptions,
    add_agent_filter_options,
    build_agent_filter_cel,
)
from imbue.mngr.config.data_types import CommonCliOptions

from claude_usage.cli import history, wait, watch
from claude_usage.cli.options import Format, make_selection
from claude_usage.cli.output import echo_warnings
from claude_usage.cli.report import check_rollup, emit_report, make_rollup, report

if TYPE_CHECKING:
    from imbue.mngr.config.data_types import OutputOptions

    from claude_usage.reader.collect import Selection

COMMAND_NAME = "usage"
HELP = (
    "Report what Claude Code agents cost, per session and auth mode, and the plan's "
    "rate-limit windows, over the agents mngr lists (claude-usage). The subcommands "
    "take the same agent filters."
)
# Listing agents can take a while with remote hosts, so a watch or a wait lists them once.
LISTED_ONCE = (
    "Over the agents mngr lists when it starts (listed once: restart it to count agents "
    "created since)."
)
WATCH_HELP = (
    "Redraw the report, windows, pace and the last hour's top agents until Ctrl-C. " + LISTED_ONCE
)
WAIT_HELP = (
    "Wait until a CEL condition over the report holds (exit 0); exit 2 on --timeout, "
    "1 on error, 130 on Ctrl-C. --format json (or --json) prints the report that matched. "
    + LISTED_ONCE
)
HISTORY_HELP = (
    "Chart how each rate-limit window's used % moved over time, per account, over the "
    "agents mngr lists. --format human (or text) draws it in the terminal, --format html "
    "writes one self-contained page."
)
HISTORY_FORMATS = {
    "human": history.HistoryFormat.text,
    "text": history.HistoryFormat.text,
    "html": history.HistoryFormat.html,
}
# mngr's own help for --format speaks of templates, which none of these take.
FORMAT_HELP = {
    COMMAND_NAME: "Output format: human, json, jsonl or prometheus.",
    "watch": "Output format: human only (watch draws text).",
    "wait": "Output format: human (print nothing), json or jsonl (print the report that "
    "matched, as --json).",
    "history": "Output format: human (or text) for the terminal, html for a page.",
}
INTERRUPTED_EXIT = 130  # as `claude-usage wait` (typer's); click alone would exit 1


class _ReadingOptions(CommonCliOptions, AgentFilterCliOptions):
    """The options of every `mngr usage` command: mngr's, `--provider`, the sources."""

    provider: tuple[str, ...] = ()
    since: int
    stale_after: int
    host_dir: tuple[Path, ...] | None = None
    events: tuple[Path, ...] | None = None
    agent: tuple[str, ...] | None = None
    preserved: bool = True


class UsageCliOptions(_ReadingOptions):
    """Every option of `mngr usage`, as mngr's command setup validates them."""

    json_flag: bool = False
    detail: bool = False
    cache: bool = True
    by: tuple[str, ...] | None = None
    utc: bool = False


class WatchCliOptions(_ReadingOptions):
    """Every option of `mngr usage watch`."""

    interval: float
    count: int | None = None
    utc: bool = False


class WaitCliOptions(_ReadingOptions):
    """Every option of `mngr usage wait`."""

    until: str
    timeout: float | None = None
    interval: float
    json_flag: bool = False
    cache: bool = True


class HistoryCliOptions(_ReadingOptions):
    """Every option of `mngr usage history`."""

    window: tuple[str, ...] | None = None
    output: Path | None = None
    cache: bool = True


def build_usage_command() -> click.Group:
    """The click group mngr registers as `mngr usage`: the report, and its subcommands."""
    # Plain click commands, not typer's: typer's help would hide the titles of mngr's
    # option groups, which find their options by the command's callback (hence one
    # callback per command).
    group = click.Group(
        COMMAND_NAME,
        params=_params(report, _usage, FORMAT_HELP[COMMAND_NAME]),
        callback=_usage,
        help=HELP,
        invoke_without_command=True,  # `mngr usage` alone is the report
    )
    for name, function, callback, help_text, short_help in [
        ("watch", watch.watch, _watch, WATCH_HELP, "Redraw the report until Ctrl-C."),
        ("wait", wait.wait, _wait, WAIT_HELP, "Wait until a condition over the report holds."),
        ("history", history.history, _history, HISTORY_HELP, "Chart the windows' use over time."),
    ]:
        params = _params(function, callback, FORMAT_HELP[name])
        command = click.Command(
            name, params=params, callback=callback, help=help_text, short_help=short_help
        )
        group.add_command(command)
    return group


def _params(
    function: Callable[..., None], callback: Callable[..., None], format_help: str
) -> list[click.Parameter]:
    """A typer command's own options, without its `--format`, then mngr's."""
    app = typer.Typer(add_completion=False, rich_markup_mode=None, pretty_exceptions_enable=False)
    app.command()(function)
    converted = typer.main.get_command(app)
    ours = [param for param in converted.params if param.name != "output_format"]
    for param in ours:
        if param.name == "host_dir":  # inside mngr, mngr's agents are the default
            param.help = "Another host dir to read too (repeatable)."
    theirs = list(reversed(callback.__click_params__))  # type: ignore[attr-defined]
    for param in theirs:
        if param.name == "output_format":
            param.help = format_help
    return ours + theirs


def _mngr_options(function: Callable[..., None]) -> Callable[..., None]:
    """mngr's common options, its agent filters and `--provider`, as on `mngr list`."""
    function = click.option(
        "--provider", multiple=True, help="Show only agents using this provider (repeatable)"
    )(function)
    return add_common_options(add_agent_filter_options(function))


@_mngr_options
def _usage(**_: Any) -> None:
    ctx = click.get_current_context()
    if ctx.invoked_subcommand is not None:
        _refuse_report_options(ctx, ctx.invoked_subcommand)
        return
    from claude_usage.cli.output import reporting_errors
    from claude_usage.cli.progress import progress_on_stderr
    from claude_usage.reader.collect import collect_report

    mngr_ctx, output, opts = setup_command_context(
        ctx=ctx,
        command_name=COMMAND_NAME,
        command_class=UsageCliOptions,
        extra_builtin_format_names=frozenset({Format.prometheus.value}),
    )
    fmt = Format(_format_name(output))
    if opts.json_flag:
        fmt = Format.json
    by = list(opts.by or ())
    check_rollup(by, fmt)
    selection, listing_warnings = _select_agents(mngr_ctx, opts, opts.cache)
    with reporting_errors(), progress_on_stderr(enabled=not opts.quiet) as on_progress:
        result, warnings = collect_report(selection, on_progress=on_progress)  # -q: no bar
    rollup = make_rollup(result, by, opts.utc)
    emit_report(result, fmt, opts.detail, listing_warnings + warnings, rollup, opts.utc)


@_mngr_options
def _watch(**_: Any) -> None:
    import contextlib

    from claude_usage.cli.output import reporting_errors

    mngr_ctx, output, opts = _setup("watch", WatchCliOptions)
    name = _format_name(output)
    if name != "human":
        raise click.BadParameter(
            f"watch draws the report as text, not {name!r}; for one report in that "
            f"format: mngr usage --format {name}",
            param_hint="--format",
        )
    selection, warnings = _select_agents(mngr_ctx, opts, True)  # the cache makes ticks cheap
    echo_warnings(warnings)
    with reporting_errors(), contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: exit 0
        watch.run_watch(selection, opts.interval, opts.count, opts.utc, progress=not opts.quiet)


@_mngr_options
def _wait(**_: Any) -> None:
    from claude_usage.cli.output import reporting_errors
    from claude_usage.reader.condition import compile_condition

    mngr_ctx, output, opts = _setup("wait", WaitCliOptions)
    name = _format_name(output)
    if name not in ("human", "json", "jsonl"):
        raise click.BadParameter(
            f"not {name!r}: wait prints nothing (human) or the report that matched (json, jsonl)",
            param_hint="--format",
        )
    with reporting_errors():
        condition = compile_condition(opts.until)  # before mngr's listing: a typo fails at once
    selection, warnings = _select_agents(mngr_ctx, opts, opts.cache)
    echo_warnings(warnings)
    json_flag = opts.json_flag or name != "human"
    try:
        wait.run_wait(
            selection, condition, opts.timeout, opts.interval, json_flag, progress=not opts.quiet
        )
    except KeyboardInterrupt:
        raise click.exceptions.Exit(INTERRUPTED_EXIT) from None


@_mngr_options
def _history(**_: Any) -> None:
    mngr_ctx, output, opts = _setup("history", HistoryCliOptions, frozenset(HISTORY_FORMATS))
    name = _format_name(output)
    fmt = HISTORY_FORMATS.get(name)
    if fmt is None:
        raise click.BadParameter(
            f"not {name!r}: history draws charts, human (or text) for the terminal, "
            "html for a page",
            param_hint="--format",
        )
    selection, warnings = _select_agents(mngr_ctx, opts, opts.cache)
    windows = list(opts.window or ()) or None
    history.run_history(selection, windows, fmt, opts.output, warnings, progress=not opts.quiet)


def _setup(
    name: str, options_class: type[_ReadingOptions], formats: frozenset[str] = frozenset()
) -> tuple[Any, OutputOptions, Any]:
    """mngr's setup of a subcommand: config (`[commands.usage_<name>]`), logging, options."""
    return setup_command_context(
        ctx=click.get_current_context(),
        command_name=f"{COMMAND_NAME}_{name}",  # as mngr names its own subcommands' config
        command_class=options_class,
        is_format_template_supported=True,  # refused by the command, with its own formats
        extra_builtin_format_names=formats,
    )


def _format_name(output: OutputOptions) -> str:
    """mngr's `--format` as one name: human, json, jsonl, a command's own, or a template."""
    if output.format_template is not None:
        return output.format_template
    return output.extra_format or output.output_format.value.lower()


def _select_agents(
    mngr_ctx: Any, opts: _ReadingOptions, cache: bool
) -> tuple[Selection, list[str]]:
    """The reader's selection over the agents mngr lists for the filters; the warnings so far."""
    from claude_usage.cli.output import reporting_errors
    from claude_usage.provision.clash import USAGE_COMMAND_CLASH, upstream_warnings
    from claude_usage.reader.mngr_discover import AgentQuery, discover_mngr

    include, exclude = build_agent_filter_cel(opts, mngr_ctx.concurrency_group)
    selection = make_selection(
        list(opts.host_dir or ()),
        list(opts.events or ()),
        list(opts.agent or ()),
        opts.preserved,
        opts.since,
        opts.stale_after,
        cache,
    )
    with reporting_errors():
        found = discover_mngr(mngr_ctx, AgentQuery(include, exclude, opts.provider, opts.preserved))
    clash = upstream_warnings([USAGE_COMMAND_CLASH])  # ours hides upstream's `mngr usage`
    return dataclasses.replace(selection, listed=found.files), clash + found.warnings


def _refuse_report_options(ctx: click.Context, subcommand: str) -> None:
    """A usage error for the report's options given before a subcommand: they would be lost."""
    given = [
        param.opts[0]
        for param in ctx.command.params
        if param.name
        and param.opts
        and ctx.get_parameter_source(param.name) is ParameterSource.COMMANDLINE
    ]
    if given:
        raise click.UsageError(
            f"give options after the subcommand: mngr usage {subcommand} {' '.join(given)} ... "
            f"(before `{subcommand}` they would be the report's)",
            ctx,
        )
