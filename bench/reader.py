#!/usr/bin/env python3
"""Benchmark the reader on a generated host dir of 1,000,000 events, side by side.

    .venv/bin/python bench/reader.py [--runs 5] [--corpus DIR] [--write-results]

Everything runs on one core (this process and its children are pinned to CPU 0). The
variants run interleaved, each a fresh process, so load on the machine hits all alike:
- `parse every line`: read each events file and orjson-parse every line, nothing else:
  the floor of a reader that parses each line whole;
- `report, cold`: `claude-usage --json --no-cache`, everything read and aggregated;
- `report, cached`: `claude-usage --json` after one new event was appended to one agent's
  file, with the cache of the runs before (only the new bytes are read);
- `rollup --by agent --by day, cold`: the same cold report, rolled up by agent and day;
- `watch tick`: inside one `watch` process, a tick (read the new bytes, report, roll up
  the last hour, draw the frame) after one new event was appended.
Then start-up (`--help`, and a report on an empty host dir) against `python -c pass`,
and the peak memory of a cold report over the same sessions with 5x fewer events.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results import RESULTS, machine, write_block

ROOT = Path(__file__).resolve().parent.parent
NOW = "1796298000"  # the generator's clock (bench/generate.py)
PARSE_ONLY = """
import glob, sys, orjson
n = 0
for path in glob.glob(sys.argv[1] + "/agents/*/events/claude/usage/events.jsonl"):
    with open(path, "rb") as f:
        while block := f.read(8 << 20):
            for line in block.split(b"\\n"):
                if line:
                    orjson.loads(line)
                    n += 1
print(n)
"""


WATCH_TICKS = """
import json, sys, time
sys.path.insert(0, sys.argv[1] + "/bench")
from reader import append_event
from claude_usage.cli.watch import read_tick
from claude_usage.reader.collect import Selection
from claude_usage.reader.render.watch_text import watch_frame
from claude_usage.reader.zone import Zone
from pathlib import Path

selection = Selection(host_dirs=[Path(sys.argv[2])], since_seconds=30 * 86400)
files = sorted(Path(sys.argv[2]).glob("agents/*/events/claude/usage/events.jsonl"))
read_tick(selection, False)  # the watch's first tick fills its cache
out = []
for i in range(int(sys.argv[3])):
    append_event(files[i % len(files)], 1000 + i)
    start = time.perf_counter()
    report, recent, begin, _ = read_tick(selection, False)
    watch_frame(report, recent, 2.0, Zone(False).clock, begin)
    out.append(time.perf_counter() - start)
print(json.dumps(out))
"""


def run(argv: list[str], env: dict[str, str]) -> tuple[float, int, bytes]:
    """Wall seconds, peak RSS (KiB) and stdout of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{argv[:3]} exited {proc.returncode}")
    return elapsed, usage.ru_maxrss, out


def generate(out: Path, events_per_agent: int) -> None:
    if not (out / "agents").exists():
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench/generate.py"),
                str(out),
                "--events-per-agent",
                str(events_per_agent),
            ],
            check=True,
        )


def _link_or_copy(source: str, target: str) -> None:
    # A link shares the page cache: a copy of 650 MB could push the corpus out of it.
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def append_event(path: Path, index: int) -> None:
    """One more render of the last session in `path`: a new line, a cent more."""
    sys.path.insert(0, str(ROOT))
    import orjson

    from claude_usage.shim.events import format_timestamp
    from claude_usage.shim.record import event_head

    last = orjson.loads(path.read_bytes().rstrip(b"\n").rsplit(b"\n", 1)[-1])
    last["cost"]["total_cost_usd"] = round(last["cost"]["total_cost_usd"] + 0.01, 6)
    body = orjson.dumps(last).decode()
    body = body[body.index('"session_id"') :]
    head = event_head(f"{index:032x}", format_timestamp(int(NOW) * 10**9 + index))
    with path.open("a") as f:
        f.write(head + body + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", type=Path, help="reuse (or make) the 1M-event host dir here")
    parser.add_argument("--write-results", action="store_true", help=f"update {RESULTS}")
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, children too
    tmp = Path(tempfile.mkdtemp(prefix="claude-usage-bench-reader-"))
    corpus = args.corpus or tmp / "corpus"
    generate(corpus, 10000)
    small = tmp / "small"
    generate(small, 2000)
    work = tmp / "work"  # the corpus, with copies of the files the cached runs append to
    shutil.copytree(corpus, work, copy_function=_link_or_copy)
    for path in sorted(work.glob("agents/*/events/claude/usage/events.jsonl"))[: args.runs]:
        data = path.read_bytes()
        path.unlink()
        path.write_bytes(data)
    cli = str(Path(sys.executable).with_name("claude-usage"))
    # As on a machine that keeps Python's compiled modules (this one sets the variable).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(CLAUDE_USAGE_NOW=NOW, CLAUDE_USAGE_CACHE_DIR=str(tmp / "cache"))
    report = [cli, "--host-dir", str(work), "--json", "--since", "30d"]
    events_files = sorted(work.glob("agents/*/events/claude/usage/events.jsonl"))

    run([*report], env)  # fills the cache
    times: dict[str, list[float]] = {
        "parse every line": [],
        "report, cold": [],
        "rollup --by agent --by day, cold": [],
        "cached": [],
    }
    rss: dict[str, int] = {}
    for i in range(args.runs):
        elapsed, peak, _ = run([sys.executable, "-c", PARSE_ONLY, str(work)], env)
        times["parse every line"].append(elapsed)
        elapsed, peak, _ = run([*report, "--no-cache"], env)
        times["report, cold"].append(elapsed)
        rss["report, cold"] = max(rss.get("report, cold", 0), peak)
        elapsed, _, _ = run([*report, "--no-cache", "--by", "agent", "--by", "day"], env)
        times["rollup --by agent --by day, cold"].append(elapsed)
        append_event(events_files[i % len(events_files)], i)
        elapsed, peak, cached_out = run(report, env)
        times["cached"].append(elapsed)
        rss["cached"] = max(rss.get("cached", 0), peak)
    _, _, cold_out = run([*report, "--no-cache"], env)
    if cold_out != cached_out:
        raise SystemExit("the cached report differs from a cold one over the same events")

    ticks_out = run(
        [sys.executable, "-c", WATCH_TICKS, str(ROOT), str(work), str(args.runs * 4)], env
    )
    times["watch tick"] = json.loads(ticks_out[2])

    _, small_peak, _ = run([cli, "--host-dir", str(small), "--json", "--no-cache"], env)
    empty = tmp / "empty"
    empty.mkdir()
    startup: dict[str, list[float]] = {"python -c pass": [], "--help": [], "empty host dir": []}
    for _ in range(max(10, args.runs * 4)):
        startup["python -c pass"].append(run([sys.executable, "-c", "pass"], env)[0])
        startup["--help"].append(run([cli, "--help"], env)[0])
        elapsed, empty_peak, _ = run([cli, "--host-dir", str(empty), "--json"], env)
        startup["empty host dir"].append(elapsed)
    shutil.rmtree(tmp)  # the copy and, unless given, the corpus

    rss["empty"] = empty_peak
    table = render(times, rss, small_peak, startup, args.runs)
    print(table)
    if args.write_results:
        write_results(table, args.runs)
    return 0


LABELS = {
    "cached": "report, cached, after 1 new event",
    "watch tick": "watch tick after 1 new event (in the watch process)",
}


def render(
    times: dict[str, list[float]],
    rss: dict[str, int],
    small_peak: int,
    startup: dict[str, list[float]],
    runs: int,
) -> str:
    floor = statistics.median(times["parse every line"])
    rows = ["| 1,000,000 events, 100 agents | median s | × parse every line |", "|---|---|---|"]
    for name, values in times.items():
        median = statistics.median(values)
        label = LABELS.get(name, name)
        runs_text = (
            f"of {', '.join(f'{v:.2f}' for v in values)}"
            if len(values) < 10
            else f"{min(values):.3f} to {max(values):.3f} over {len(values)} ticks"
        )
        shown = f"{median:.2f}" if len(values) < 10 else f"{median:.3f}"
        rows.append(f"| {label} | {shown} ({runs_text}) | {median / floor:.2f}× |")
    base = statistics.median(startup["python -c pass"])
    rows += ["", "| start-up | median ms | × `python -c pass` |", "|---|---|---|"]
    for name, values in startup.items():
        median = statistics.median(values)
        rows.append(f"| {name} | {median * 1000:.0f} | {median / base:.2f}× |")
    rows += [
        "",
        f"Peak RSS of a cold report: {rss['report, cold'] / 1024:.0f} MiB over 1,000,000 "
        f"events, {small_peak / 1024:.0f} MiB over 200,000 events of the same 2,000 sessions, "
        f"{rss['cached'] / 1024:.0f} MiB cached, {rss['empty'] / 1024:.0f} MiB for a report "
        "on an empty host dir (the interpreter, typer and orjson).",
        f"Medians of {runs} interleaved runs (start-up: {len(startup['--help'])}).",
    ]
    return "\n".join(rows) + "\n"


def write_results(table: str, runs: int) -> None:
    command = f".venv/bin/python bench/reader.py --runs {runs} --write-results"
    where = f"{machine()} (run on one), Python {platform.python_version()}"
    write_block("reader", command, table, where)


if __name__ == "__main__":
    sys.exit(main())
