"""Options shared by several commands, declared once."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from claude_usage.provision.python import ENV_PYTHON

if TYPE_CHECKING:
    from claude_usage.reader.collect import Selection


def duration_option(text: str | int) -> int:
    """A whole-second duration (`90`, `30s`, `1h30m`, `2d`), as seconds."""
    from claude_usage.reader.durations import DurationError, parse_duration

    if isinstance(text, int):  # a default given in seconds
        return text
    try:
        return parse_duration(text)
    except DurationError as error:
        raise typer.BadParameter(str(error)) from None


def seconds_option(text: str | float) -> float:
    """A duration that may have a fraction (`0.5s`, `1.5m`), as seconds."""
    from claude_usage.reader.durations import DurationError, parse_seconds

    if isinstance(text, int | float):  # a default given in seconds
        return float(text)
    try:
        return parse_seconds(text)
    except DurationError as error:
        raise typer.BadParameter(str(error)) from None


class Format(StrEnum):
    human = "human"
    json = "json"
    jsonl = "jsonl"
    prometheus = "prometheus"


Since = Annotated[
    int,
    typer.Option(
        "--since",
        parser=duration_option,
        metavar="DURATION",
        help="Sessions whose last event is within this (90, 30s, 5m, 1h30m, 2d); "
        "windows are never filtered.",
    ),
]
StaleAfter = Annotated[
    int,
    typer.Option(
        "--stale-after",
        parser=duration_option,
        metavar="DURATION",
        help="Warn when the newest event is older.",
    ),
]
HostDirs = Annotated[
    list[Path] | None,
    typer.Option(
        "--host-dir",
        help="A host dir to read (repeatable). Default: $MNGR_HOST_DIR or ~/.mngr, "
        "and the standalone state dir.",
    ),
]
EventsPaths = Annotated[
    list[Path] | None,
    typer.Option("--events", help="An events file, or a folder to search for them (repeatable)."),
]
Agents = Annotated[
    list[str] | None,
    typer.Option("--agent", metavar="NAME_OR_ID", help="Only these agents (repeatable)."),
]
Preserved = Annotated[
    bool,
    typer.Option("--preserved/--no-preserved", help="Include destroyed agents' preserved events."),
]
UseCache = Annotated[
    bool,
    typer.Option(
        "--cache/--no-cache", help="Reuse what earlier reports read (only new bytes are read)."
    ),
]


class ByKey(StrEnum):
    agent = "agent"
    host = "host"
    account = "account"
    model = "model"
    day = "day"


By = Annotated[
    list[ByKey] | None,
    typer.Option(
        "--by",
        help="Roll the sessions up by this, with both costs apart (repeat for a second level: "
        "--by agent --by day).",
    ),
]
Utc = Annotated[bool, typer.Option("--utc", help="Days and times in UTC, not the local zone.")]
FormatOption = Annotated[Format, typer.Option("--format", help="Output format.")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Same as --format json.")]
Detail = Annotated[bool, typer.Option("--detail", help="Per-session breakdown.")]


def make_selection(
    host_dir: list[Path] | None,
    events: list[Path] | None,
    agent: list[str] | None,
    preserved: bool,
    since: int,
    stale_after: int,
    cache: bool,
) -> Selection:
    """The source options every reading command takes, as the reader's Selection."""
    from claude_usage.reader.collect import Selection

    return Selection(
        list(host_dir or ()),
        list(events or ()),
        list(agent or ()),
        preserved,
        since,
        stale_after,
        cache,
    )


# Provisioning (install, uninstall).
PROJECT: Path | None = typer.Option(
    None,
    "--project",
    help="One project instead of your user: its .claude/settings.local.json.",
    exists=True,
    file_okay=False,
    resolve_path=True,
)
DRY_RUN: bool = typer.Option(False, "--dry-run", help="Print what would change; change nothing.")
PYTHON: str | None = typer.Option(
    None,
    "--python",
    help="The Python the status line runs the shim with "
    "(default: the first python3 on PATH that is not in a venv or a wrapper script).",
    envvar=ENV_PYTHON,
)
