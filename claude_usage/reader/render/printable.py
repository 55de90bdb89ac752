"""Text from the events, made safe to show. Pure.

Names, labels and ids come from events files, which anything can write: a control
character (an escape sequence, a carriage return) would act on the terminal instead of
being shown, and is not valid XML in the history's SVG. Each is shown as `?`.
"""

from __future__ import annotations

_CONTROLS = {c: "?" for c in [*range(32), *range(127, 160), 0x2028, 0x2029]}


def printable(text: str) -> str:
    """`text` with control characters shown as `?`."""
    return text.translate(_CONTROLS)
