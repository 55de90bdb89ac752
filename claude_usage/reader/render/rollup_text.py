"""The rollup as a table (rich): a column per level, then sessions, both costs and the span.

```
                  sessions   imputed   billable
 agent             sub/api     (sub)      (api)   span
 ────────────────────────────────────────────────────────────────────────────
 docs-sweep            9/0     $1.72          –   11-26 15:40 – 12-03 11:26
```
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING

from claude_usage.reader.render.printable import printable
from claude_usage.reader.render.text import format_usd
from claude_usage.reader.rollup import Rollup, RollupRow

if TYPE_CHECKING:
    from rich.text import Text

_UNKNOWN = "(unknown)"
_NONE = "–"  # no session of that mode


def _cost(total: float | None, sessions: int) -> str:
    return format_usd(total) if sessions and total is not None else _NONE


def _name(row: RollupRow) -> Text:
    from rich.text import Text

    # Text, not markup: an agent named "[bold]" is shown as it is.
    return Text(printable(row.value) if row.value else _UNKNOWN)


def _span(first_at: int, last_at: int, clock_text: Callable[[int], str]) -> str:
    first, last = clock_text(first_at), clock_text(last_at)
    if first == last:
        return first
    if first[:5] == last[:5]:  # the same day: its date once
        return f"{first}–{last[6:]}"
    return f"{first} – {last}"


def _cells(row: RollupRow, clock_text: Callable[[int], str]) -> list[str]:
    seen = row.session_count > 0
    return [
        f"{row.subscription_sessions}/{row.api_sessions}",
        _cost(row.subscription[0], row.subscription_sessions),
        _cost(row.api[0], row.api_sessions),
        _span(row.first_at, row.last_at, clock_text) if seen else "",
    ]


def render_rollup_text(rollup: Rollup, clock_text: Callable[[int], str], width: int) -> str:
    """The table, `width` columns wide at most; `clock_text` writes a row's first and last."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, header_style="bold")
    for level in rollup.by:
        table.add_column(level, overflow="fold", min_width=8)
    for title in ("sessions\nsub/api", "imputed\n(sub)", "billable\n(api)"):
        table.add_column(title, justify="right", no_wrap=True)
    table.add_column("span", no_wrap=True, min_width=25)
    blank = [""] * (len(rollup.by) - 1)
    for row in rollup.rows:
        table.add_row(_name(row), *blank, *_cells(row, clock_text))
        for child in row.rows:
            table.add_row("", _name(child), *_cells(child, clock_text))
    table.add_section()
    table.add_row("total", *blank, *_cells(rollup.total, clock_text))
    out = io.StringIO()
    Console(file=out, width=width, color_system=None, highlight=False).print(table)
    # rich pads the table with a blank line above and below: not ours to print.
    lines = "\n".join(line.rstrip() for line in out.getvalue().splitlines()).strip("\n").split("\n")
    if rollup.time_zone:
        lines.append(f"days in {rollup.time_zone}")
    return "\n".join(lines) + "\n"
