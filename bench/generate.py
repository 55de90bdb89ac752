#!/usr/bin/env python3
"""Generate a realistic host dir of events with the shim's own writer code.

    python3 bench/generate.py OUT_DIR [--agents 100] [--events-per-agent 10000] [--sessions 20]

Each agent runs a few Claude Code processes one after another; each process works through
sessions whose cost, durations and line counts grow as real ones do (with the occasional
`/clear` reset), under a subscription whose 5-hour and 7-day windows fill up and reset. The
lines are made by `claude_usage.shim.record` exactly as a render writes them. Deterministic:
the same arguments give the same files.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from claude_usage.shim.events import format_timestamp  # noqa: E402
from claude_usage.shim.record import event_body, event_head  # noqa: E402

NOW = 1796298000  # 2026-12-03T11:40:00Z
SPAN = 7 * 86400
FIVE_HOURS, SEVEN_DAYS = 18000, 604800
MODELS = ("claude-opus-5", "claude-sonnet-5", "claude-haiku-4-5-20251001")
# First 12 hex of sha256 of two made-up account ids, as the shim records them.
ACCOUNTS = ("5eed0a11ce01", "5eed0b0b0202")


def agent_lines(index: int, events: int, sessions: int, rng: random.Random) -> list[str]:
    """One agent's lines, oldest first, all within the week before NOW."""
    processes = max(1, sessions // 8)
    api_key = index % 5 == 0  # one agent in five bills an API key
    # One person's plan for most agents, a second plan for some; none with an API key.
    account = None if api_key else ACCOUNTS[index % 7 == 3]
    times = sorted(NOW - SPAN + rng.random() * SPAN for _ in range(events))
    lines = []
    per_process = max(1, events // processes)
    session_len = max(1, events // sessions)
    for p in range(processes):
        process = f"linux:5eed{index:04x}:{1000 + p}:{rng.randrange(10**6)}"
        cost = duration = api = added = removed = 0.0
        session = None
        model = rng.choice(MODELS)
        chunk = times[p * per_process : (p + 1) * per_process if p < processes - 1 else None]
        for i, at in enumerate(chunk):
            if i % session_len == 0:
                session = f"{rng.getrandbits(128):032x}"
                if rng.random() < 0.5:  # /clear: a new session, counters back to 0
                    cost = duration = api = added = removed = 0.0
            cost += rng.uniform(0.001, 0.05)
            duration += SPAN / events * 1000
            api += rng.uniform(100, 5000)
            added += rng.randrange(0, 20)
            removed += rng.randrange(0, 5)
            payload = {
                "session_id": session,
                "version": "2.1.240",
                "model": {"id": model},
                "cost": {
                    "total_cost_usd": round(cost, 6),
                    "total_duration_ms": int(duration),
                    "total_api_duration_ms": int(api),
                    "total_lines_added": int(added),
                    "total_lines_removed": int(removed),
                },
            }
            if not api_key:
                # As in real captures: whole percentages that move in steps.
                five_reset = (int(at) // FIVE_HOURS + 1) * FIVE_HOURS
                seven_reset = (int(at) // SEVEN_DAYS + 1) * SEVEN_DAYS
                five_used = int(80 * (1 - (five_reset - at) / FIVE_HOURS))
                seven_used = int(60 * (1 - (seven_reset - at) / SEVEN_DAYS))
                payload["rate_limits"] = {
                    "five_hour": {"used_percentage": five_used, "resets_at": five_reset},
                    "seven_day": {"used_percentage": seven_used, "resets_at": seven_reset},
                }
            auth = ["ANTHROPIC_API_KEY"] if api_key else []
            body = event_body(payload, "bench-host", process, auth, account)
            head = event_head(f"{rng.getrandbits(128):032x}", format_timestamp(int(at * 1e9)))
            lines.append(head + body)
    return lines


def generate(out: Path, agents: int, events_per_agent: int, sessions: int) -> int:
    """Write `<out>/agents/<id>/{data.json,events/claude/usage/events.jsonl}`; return lines."""
    total = 0
    for index in range(agents):
        rng = random.Random(index)
        agent_id = f"agent-{index:032x}"
        state = out / "agents" / agent_id
        (state / "events" / "claude" / "usage").mkdir(parents=True, exist_ok=True)
        (state / "data.json").write_text(
            json.dumps({"id": agent_id, "name": f"agent-{index}", "type": "claude"})
        )
        lines = agent_lines(index, events_per_agent, sessions, rng)
        (state / "events" / "claude" / "usage" / "events.jsonl").write_text("\n".join(lines) + "\n")
        total += len(lines)
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--agents", type=int, default=100)
    parser.add_argument("--events-per-agent", type=int, default=10000)
    parser.add_argument("--sessions", type=int, default=20, help="sessions per agent")
    args = parser.parse_args()
    lines = generate(args.out, args.agents, args.events_per_agent, args.sessions)
    print(f"{lines} events in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
