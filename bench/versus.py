#!/usr/bin/env python3
"""A cold report of two checkouts side by side, interleaved, on one core: what a change costs.

    .venv/bin/python bench/versus.py OTHER_CHECKOUT [--runs 5] [--corpus DIR]

OTHER_CHECKOUT is another worktree of this repository (`git worktree add /tmp/base REV`);
both run with this venv's interpreter and libraries, each with its own source first on
`sys.path`. Prints the medians and the ratio; writes no results.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from reader import NOW, ROOT, generate, run

MAIN = "from claude_usage.cli.app import main; main()"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", type=Path, help="reuse (or make) the 1M-event host dir here")
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    corpus = args.corpus or Path(tempfile.mkdtemp(prefix="claude-usage-versus-")) / "corpus"
    generate(corpus, 10000)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["CLAUDE_USAGE_NOW"] = NOW
    report = ["--host-dir", str(corpus), "--json", "--since", "30d", "--no-cache"]
    trees = {"this checkout": ROOT, str(args.other): args.other.resolve()}
    times: dict[str, list[float]] = {name: [] for name in trees}
    outputs: dict[str, bytes] = {}
    for _ in range(args.runs):
        for name, tree in trees.items():
            elapsed, _, out = run(
                [sys.executable, "-c", MAIN, *report], {**env, "PYTHONPATH": str(tree)}
            )
            times[name].append(elapsed)
            outputs[name] = out
    base = statistics.median(times[str(args.other)])
    for name, values in times.items():
        median = statistics.median(values)
        spread = ", ".join(f"{v:.2f}" for v in values)
        print(f"{name}: {median:.2f} s (of {spread}), {median / base:.2f}× the other")
    if len(set(outputs.values())) != 1:
        print("(the two reports differ)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
