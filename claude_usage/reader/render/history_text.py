"""Window history as terminal step charts, one per account and window. Pure.

```
5h (account 5eed0a11ce01): 23% now, peak 87%
100% ┤          ▄█
     │       ▂▅████         ▁▂
 50% ┤     ▁▆██████      ▂▄████
     │   ▄█████████     ▆██████▄▄
  0% └──────────────────────────────
      2026-11-26 11:40           2026-12-03 11:40 UTC
```

Each column is the highest use in its time slot; a row is a quarter of the window, in
eighths of a block, and any use above 0 shows.
"""

from __future__ import annotations

import math
import time

from claude_usage.reader.history import Series, headline
from claude_usage.reader.render.printable import printable

ROWS = 4
DEFAULT_WIDTH = 80
_GUTTER = 6  # "100% ┤"
_BLOCKS = " ▁▂▃▄▅▆▇█"
_ROW_LABELS = {ROWS - 1: "100% ┤", (ROWS - 1) // 2: " 50% ┤"}


def column_peaks(series: Series, columns: int) -> list[float | None]:
    """The highest use in each of `columns` equal time slots of the series' range."""
    span = max(1, series.end - series.start)
    points = series.points
    peaks: list[float | None] = []
    i = 0
    last = len(points) - 1
    for column in range(columns):
        slot_start = series.start + span * column / columns
        slot_end = series.start + span * (column + 1) / columns
        while i < last and points[i + 1].at <= slot_start:
            i += 1
        # The use at the slot's start, then every change inside it (the last slot ends
        # with the range: a point at `end` is in it).
        peak = points[i].used
        while i < last and (points[i + 1].at < slot_end or column == columns - 1):
            i += 1
            used = points[i].used
            if used is not None and (peak is None or used > peak):
                peak = used
        peaks.append(peak)
    return peaks


def _eighths(used: float | None) -> int:
    if used is None or used <= 0:
        return 0
    return min(ROWS * 8, math.ceil(used / 100 * ROWS * 8))


def _clock(at: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.gmtime(at))


def chart_lines(series: Series, width: int = DEFAULT_WIDTH) -> list[str]:
    """The title, the chart rows, the time axis and its start and end labels."""
    columns = max(10, width - _GUTTER)
    heights = [_eighths(used) for used in column_peaks(series, columns)]
    lines = [headline(series)]
    for row in range(ROWS - 1, -1, -1):
        cells = "".join(_BLOCKS[max(0, min(8, h - row * 8))] for h in heights)
        lines.append((_ROW_LABELS.get(row, "     │") + cells).rstrip())
    lines.append("  0% └" + "─" * columns)
    left, right = _clock(series.start), _clock(series.end) + " UTC"
    gap = max(1, columns - len(left) - len(right))
    lines.append(" " * _GUTTER + left + " " * gap + right)
    return lines


def render_history_text(series: list[Series], width: int = DEFAULT_WIDTH) -> str:
    """Every series' chart, under a `[source]` line per source, as the report has them."""
    blocks: list[str] = []
    source = None
    for one in series:
        lines = chart_lines(one, width)
        if one.source != source:
            source = one.source
            lines.insert(0, f"[{printable(source)}]")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n" if blocks else ""
