#!/usr/bin/env python3
"""Benchmark one status-line render against a bare interpreter start, side by side.

    python3 bench/shim.py [--runs N] [--python PATH ...] [--upstream] [--write-results]

For each interpreter, the variants run interleaved (bare, ours, ...) so that load on the
machine hits all of them alike; each run is a fresh process fed a new payload (the cost
grows by a cent per run, so every render writes a line). Reports medians, the ratio to
the bare start and the peak RSS of the render.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from results import RESULTS, write_block  # noqa: E402 - bench/ is the script's folder

from claude_usage.shim.command import LAUNCHER  # noqa: E402
from claude_usage.zipapp import write_zipapp  # noqa: E402

PAYLOAD = ROOT / "tests/data/payloads/real-v2.1.226-windows-later-render-subscription.json"


def find_pythons() -> list[str]:
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    found = []
    for minor in range(8, 14):
        paths = sorted(glob.glob(f"{root}/versions/3.{minor}.*/bin/python3"))
        if paths:
            found.append(paths[-1])
    return found or [sys.executable]


def run_once(argv: list[str], stdin_path: str, env: dict[str, str]) -> tuple[float, int, bytes]:
    """Wall seconds, exit status and stdout of one process."""
    with open(stdin_path, "rb") as stdin:
        read_fd, write_fd = os.pipe()
        start = time.perf_counter()
        pid = os.posix_spawn(
            argv[0],
            argv,
            env,
            file_actions=[
                (os.POSIX_SPAWN_DUP2, stdin.fileno(), 0),
                (os.POSIX_SPAWN_DUP2, write_fd, 1),
            ],
        )
        os.close(write_fd)
        out = b""
        while chunk := os.read(read_fd, 65536):
            out += chunk
        _, status = os.waitpid(pid, 0)
        elapsed = time.perf_counter() - start
        os.close(read_fd)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{argv[:4]} exited {code}")
    return elapsed, code, out


PEAK_RSS_CODE = (
    "import atexit,posix;atexit.register(lambda:posix.write(2,"
    "[l for l in open('/proc/self/status','rb') if l.startswith(b'VmHWM')][0]));"
)


def peak_rss_kib(argv: list[str], stdin_path: str, env: dict[str, str]) -> int:
    """VmHWM read by the process itself as it exits.

    ru_maxrss of a child counts the parent's memory at exec time, so it is not used.
    """
    code_at = argv.index("-c") + 1
    argv = [*argv[:code_at], PEAK_RSS_CODE + argv[code_at], *argv[code_at + 1 :]]
    with open(stdin_path, "rb") as stdin:
        done = subprocess.run(argv, stdin=stdin, env=env, capture_output=True, check=True)
    return int(done.stderr.split()[1])


def bench_interpreter(python: str, runs: int, pyz: Path, upstream: Path | None) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="claude-usage-bench-"))
    home = tmp / "home"
    home.mkdir()
    # A realistic Claude Code config: the account id sits among other keys.
    (home / ".claude.json").write_text(
        json.dumps(
            {
                "numStartups": 42,
                "projects": {f"/p/{i}": {"x": i} for i in range(500)},
                "oauthAccount": {"accountUuid": "0d6c1f3e-1111-4222-8333-444455556666"},
            }
        )
    )
    variants = {
        "bare": [python, "-I", "-S", "-c", "pass"],
        "render": [python, "-I", "-S", "-c", LAUNCHER, str(pyz), "statusline"],
        "render via runpy": [python, "-I", "-S", str(pyz), "statusline"],
    }
    if upstream is not None:
        variants["upstream bash+jq"] = [str(upstream / "claude_statusline.sh")]
    envs = {
        name: {
            "HOME": str(home),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "MNGR_AGENT_STATE_DIR": str(tmp / f"agent-{i}"),
        }
        for i, name in enumerate(variants)
    }
    payload = json.loads(PAYLOAD.read_text())
    stdin_path = tmp / "payload.json"
    times: dict[str, list[float]] = {name: [] for name in variants}
    for i in range(runs + 5):
        for name, argv in variants.items():
            payload["cost"]["total_cost_usd"] = round(0.01 * (i + 1), 2)
            stdin_path.write_text(json.dumps(payload, separators=(",", ":")))
            elapsed, _, _ = run_once(argv, str(stdin_path), envs[name])
            if i >= 5:  # warm-up runs are not counted
                times[name].append(elapsed)
    for i, name in enumerate(variants):
        if name == "bare":
            continue
        events = tmp / f"agent-{i}/events/claude/usage/events.jsonl"
        written = len(events.read_text().splitlines())
        if written != runs + 5:  # every render had a new cost, so every render wrote a line
            raise SystemExit(f"{name}: {written} lines for {runs + 5} renders")
    rss = {
        name: peak_rss_kib(variants[name], str(stdin_path), envs[name])
        for name in ("bare", "render")
    }
    shutil.rmtree(tmp)
    version = subprocess.run(
        [python, "-c", "import sys; print(sys.version.split()[0])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    bare = statistics.median(times["bare"])
    return {
        "python": version,
        "rss_mib": {name: kib / 1024 for name, kib in rss.items()},
        "variants": {
            name: {"median_ms": statistics.median(t) * 1000, "ratio": statistics.median(t) / bare}
            for name, t in times.items()
        },
    }


def fetch_upstream(tmp: Path) -> Path:
    """Upstream's shim pair, from its wheel on PyPI (read for comparison, never vendored)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            "3.12",
            "--dest",
            str(tmp),
            "imbue-mngr-claude-usage==0.2.0",
        ],
        check=True,
    )
    import zipfile

    wheel = next(tmp.glob("*.whl"))
    out = tmp / "commands"
    out.mkdir()
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if name.endswith((".sh",)):
                target = out / Path(name).name
                target.write_bytes(archive.read(name))
                target.chmod(0o755)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--python", action="append", help="interpreter(s); default: pyenv 3.8-3.13")
    parser.add_argument("--upstream", action="store_true", help="also run upstream's bash+jq shim")
    parser.add_argument("--write-results", action="store_true", help=f"update {RESULTS}")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="claude-usage-bench-pyz-"))
    pyz = tmp / "claude_usage.pyz"
    write_zipapp(pyz)
    upstream = fetch_upstream(tmp) if args.upstream else None
    results = [
        bench_interpreter(p, args.runs, pyz, upstream) for p in args.python or find_pythons()
    ]
    shutil.rmtree(tmp)
    table = render_table(results, args.runs)
    print(table)
    if args.write_results:
        write_results(table)
    return 0


def render_table(results: list[dict], runs: int) -> str:
    names = list(results[0]["variants"])
    upstream = "upstream bash+jq" in names
    columns = ["Python", *(f"{n} ms (×bare)" for n in names)]
    columns += ["render speed-up on upstream"] if upstream else []
    columns += ["peak RSS bare / render"]
    rows = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for r in results:
        cells = [r["python"]]
        for n in names:
            v = r["variants"][n]
            cells.append(f"{v['median_ms']:.2f}" + ("" if n == "bare" else f" ({v['ratio']:.2f}×)"))
        if upstream:
            ours, theirs = (r["variants"][n]["median_ms"] for n in ("render", "upstream bash+jq"))
            cells.append(f"{theirs / ours:.1f}×")
        cells.append(f"{r['rss_mib']['bare']:.1f} / {r['rss_mib']['render']:.1f} MiB")
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows) + f"\n\nMedians of {runs} runs per cell after 5 warm-up runs.\n"


def write_results(table: str) -> None:
    write_block("shim", "python3 bench/shim.py --upstream --write-results", table)


if __name__ == "__main__":
    sys.exit(main())
