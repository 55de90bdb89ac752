"""Write one benchmark's block into bench/RESULTS.md, between its markers."""

from __future__ import annotations

import os
import platform
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    """This machine, as the blocks name it."""
    return f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def write_block(name: str, command: str, table: str, where: str | None = None) -> None:
    """Replace (or add) the `<!-- name:start -->` … `<!-- name:end -->` block."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = (
        f"{start}\nMeasured {time.strftime('%Y-%m-%d')} on {where or machine()} with "
        f"`{command}`.\n\n{table}{end}"
    )
    if start in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text += "\n" + block + "\n"
    RESULTS.write_text(text)
