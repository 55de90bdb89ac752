#!/usr/bin/env python3
"""Time `claude-usage history` beside the report on the 1M-event corpus; the cache's size.

    .venv/bin/python bench/history.py [--runs 5] [--corpus DIR] [--write-results]

Pinned to one core, as bench/reader.py. Each variant runs in a fresh process, interleaved:
the report and the history, each cold (`--no-cache`) and cached (a warm cache, no new
bytes), then the size of the cache the runs filled.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from reader import NOW, generate, run
from results import RESULTS, machine, write_block


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", type=Path, help="reuse (or make) the 1M-event host dir here")
    parser.add_argument("--write-results", action="store_true", help=f"update {RESULTS}")
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    tmp = Path(tempfile.mkdtemp(prefix="claude-usage-bench-history-"))
    corpus = args.corpus or tmp / "corpus"
    generate(corpus, 10000)
    cli = str(Path(sys.executable).with_name("claude-usage"))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(CLAUDE_USAGE_NOW=NOW, CLAUDE_USAGE_CACHE_DIR=str(tmp / "cache"), COLUMNS="80")
    commands = {
        "report": [cli, "--host-dir", str(corpus), "--json"],
        "history": [cli, "history", "--host-dir", str(corpus)],
        "history --format html": [cli, "history", "--host-dir", str(corpus), "--format", "html"],
    }
    for argv in commands.values():
        run(argv, env)  # fills the cache (the same entries for each)
    times: dict[str, list[float]] = {}
    sizes: dict[str, int] = {}
    for _ in range(args.runs):
        for name, argv in commands.items():
            cold, _, _ = run([*argv, "--no-cache"], env)
            cached, _, out = run(argv, env)
            times.setdefault(f"{name}, cold", []).append(cold)
            times.setdefault(f"{name}, cached", []).append(cached)
            sizes[name] = len(out)
    cache_bytes = _size(tmp / "cache")
    shutil.rmtree(tmp)

    report_cold = statistics.median(times["report, cold"])
    rows = ["| 1,000,000 events, 100 agents | median s | × report, cold |", "|---|---|---|"]
    for name, values in times.items():
        spread = ", ".join(f"{v:.2f}" for v in values)
        median = statistics.median(values)
        rows.append(f"| {name} | {median:.2f} (of {spread}) | {median / report_cold:.2f}× |")
    rows += [
        "",
        f"The cache these runs filled: {cache_bytes / 1e6:.1f} MB. Output: "
        + ", ".join(f"{name} {size / 1e3:.0f} kB" for name, size in sizes.items())
        + f". Medians of {args.runs} interleaved runs.",
    ]
    table = "\n".join(rows) + "\n"
    print(table)
    if args.write_results:
        command = f".venv/bin/python bench/history.py --runs {args.runs} --write-results"
        where = f"{machine()} (run on one), Python {platform.python_version()}"
        write_block("history", command, table, where)
    return 0


if __name__ == "__main__":
    sys.exit(main())
