"""Window history as one self-contained HTML file: an inline SVG step chart per account
and window. Pure.

Nothing is fetched when the file is opened: no scripts, stylesheets, fonts or images from
anywhere, not even the SVG namespace URI (HTML parses inline `<svg>` without it). Every
text from the events (source, account, label) is escaped and stripped of control
characters, so the SVG is also well-formed XML.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from html import escape
from itertools import pairwise

from claude_usage.reader.history import Point, Series, format_percent, headline
from claude_usage.reader.render.printable import printable

WIDTH, HEIGHT = 800, 220
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 16, 12, 32
_X_TICKS = 6

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; background: #fff; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; }
h3 { font-size: 1em; font-weight: 600; margin: 1.5em 0 0.3em; }
svg { max-width: 100%; height: auto; display: block; }
.grid { stroke: #e4e4e4; } .axis { stroke: #555; }
.tick { font-size: 11px; fill: #555; }
.use { fill: none; stroke: #1f6feb; stroke-width: 2; }
.area { fill: #1f6feb; fill-opacity: 0.12; stroke: none; }
.reset { stroke: #d1242f; stroke-dasharray: 3 3; }
.point { fill: #1f6feb; }
"""


def _text(value: str) -> str:
    return escape(printable(value), quote=True)


def _clock(at: float, layout: str = "%Y-%m-%d %H:%M") -> str:
    return time.strftime(layout, time.gmtime(int(at)))


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def chart_svg(series: Series) -> str:
    """One `<svg>` step chart of the series: axes, ticks, the use, its resets and points."""
    plot_w, plot_h = WIDTH - _LEFT - _RIGHT, HEIGHT - _TOP - _BOTTOM
    span = max(1, series.end - series.start)
    top = max(100.0, series.peak or 0)  # a reading over 100 % is kept, and shown

    def x(at: float) -> float:
        return _LEFT + (at - series.start) / span * plot_w

    def y(used: float) -> float:
        return _TOP + plot_h * (1 - used / top)

    out = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-label="{_text(headline(series))}">',
    ]
    for used in (0, 25, 50, 75, 100):
        out.append(
            f'<line class="grid" x1="{_LEFT}" x2="{WIDTH - _RIGHT}" '
            f'y1="{_num(y(used))}" y2="{_num(y(used))}"/>'
            f'<text class="tick" x="{_LEFT - 6}" y="{_num(y(used) + 4)}" '
            f'text-anchor="end">{used}%</text>'
        )
    for i in range(_X_TICKS):
        at = series.start + span * i / (_X_TICKS - 1)
        anchor = "start" if i == 0 else "end" if i == _X_TICKS - 1 else "middle"
        out.append(
            f'<line class="axis" x1="{_num(x(at))}" x2="{_num(x(at))}" '
            f'y1="{_TOP + plot_h}" y2="{_TOP + plot_h + 4}"/>'
            f'<text class="tick" x="{_num(x(at))}" y="{HEIGHT - 10}" '
            f'text-anchor="{anchor}">{_clock(at, "%m-%d %H:%M")}</text>'
        )
    out.append(
        f'<line class="axis" x1="{_LEFT}" x2="{_LEFT}" y1="{_TOP}" y2="{_TOP + plot_h}"/>'
        f'<line class="axis" x1="{_LEFT}" x2="{WIDTH - _RIGHT}" '
        f'y1="{_TOP + plot_h}" y2="{_TOP + plot_h}"/>'
    )
    line, area = _step_paths(series, x, y)
    if line:
        out.append(f'<path class="area" d="{area}"/><path class="use" d="{line}"/>')
    for point in _resets(series):
        out.append(
            f'<line class="reset" x1="{_num(x(point.at))}" x2="{_num(x(point.at))}" '
            f'y1="{_TOP}" y2="{_TOP + plot_h}"><title>window reset at '
            f"{_clock(point.at)} UTC</title></line>"
        )
    for point in series.points:
        if point.used is not None:
            out.append(
                f'<circle class="point" cx="{_num(x(point.at))}" cy="{_num(y(point.used))}" '
                f'r="2" data-at="{point.at}" data-used="{_num(point.used)}"><title>'
                f"{_clock(point.at)} UTC: {format_percent(point.used)}</title></circle>"
            )
    out.append("</svg>")
    return "".join(out)


def _resets(series: Series) -> list[Point]:
    """The points where a window ends: its reset time passed, or a newer window's first
    reading came in before the reset was seen."""
    return [
        point
        for before, point in pairwise(series.points)
        if point.is_reset
        or (before.used is not None and not before.is_reset and point.resets_at != before.resets_at)
    ]


def _step_paths(
    series: Series, x: Callable[[float], float], y: Callable[[float], float]
) -> tuple[str, str]:
    """The use as a step line (gaps where there is no data) and the area under it."""
    line: list[str] = []
    area: list[str] = []
    points = series.points
    base = _num(y(0))
    for i, point in enumerate(points):
        until = points[i + 1].at if i + 1 < len(points) else series.end
        if point.used is None:
            continue
        x0, x1, level = _num(x(point.at)), _num(x(until)), _num(y(point.used))
        joined = i > 0 and points[i - 1].used is not None
        line.append(f"V{level}H{x1}" if joined else f"M{x0} {level}H{x1}")
        area.append(f"M{x0} {base}V{level}H{x1}V{base}Z")
    return "".join(line), "".join(area)


def render_history_html(series: list[Series], start: int, end: int) -> str:
    """The whole document: a title, the range, and each series' chart under its source."""
    period = f"{_clock(start)} to {_clock(end)} UTC"
    body = [
        "<h1>Rate-limit window history</h1>",
        f"<p>Used % of each window, per account, from {period}. A window's use only grows "
        "until it resets; a dashed line marks a reset.</p>",
    ]
    if not series:
        body.append("<p>No window readings in this range.</p>")
    source = None
    for one in series:
        if one.source != source:
            source = one.source
            body.append(f"<h2>[{_text(source)}]</h2>")
        body.append(f"<section><h3>{_text(headline(one))}</h3>{chart_svg(one)}</section>")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>claude-usage history, {period}</title>\n<style>{_STYLE}</style>\n"
        "</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )
