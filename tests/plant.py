"""Plant events files the way the writers lay them out, for reader tests."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from claude_usage.shim.events import decorate_rate_limits

NOW = 1796298000  # 2026-12-03T11:40:00Z, the clock of UPSTREAM.md §10


def iso(at: float, ours: bool = True) -> str:
    """A writer's timestamp: ours with nanoseconds, upstream's with a zero fraction."""
    whole = int(at)
    base = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
    return f"{base}.{round((at - whole) * 1e9):09d}Z" if ours else f"{base}.000000000Z"


def event(
    at: float,
    session_id: Any = "s-1",
    cost: Any = None,
    rate_limits: Any = None,
    process: str | None = "linux:boot0000:100:1",
    *,
    auth_env: list[str] | None = None,
    account: str | None = None,
    model: str | None = "claude-opus-5",
    upstream: bool = False,
) -> dict[str, Any]:
    """One event as our writer (or, with upstream=True, upstream's bash writer) writes it."""
    out: dict[str, Any] = {
        "source": "claude/usage",
        "type": "cost_snapshot",
        "event_id": "evt-" + uuid.uuid4().hex,
        "timestamp": iso(at, ours=not upstream),
        "session_id": session_id,
        "cost": cost,
        "rate_limits": decorate_rate_limits(rate_limits),
    }
    if not upstream:
        out.update(
            schema=1,
            host="vm",
            process=process,
            auth={"env": auth_env or []},
            account=account,
            claude_version="2.1.240",
            model=model,
        )
    return out


def cost(
    usd: float | None,
    duration: int | None = None,
    api: int | None = None,
    added: int | None = None,
    removed: int | None = None,
) -> dict[str, Any]:
    return {
        "total_cost_usd": usd,
        "total_duration_ms": duration,
        "total_api_duration_ms": api,
        "total_lines_added": added,
        "total_lines_removed": removed,
    }


def windows(
    five_hour: float | None = None,
    seven_day: float | None = None,
    five_resets: int = NOW + 12000,
    seven_resets: int = NOW + 402000,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if five_hour is not None:
        out["five_hour"] = {"used_percentage": five_hour, "resets_at": five_resets}
    if seven_day is not None:
        out["seven_day"] = {"used_percentage": seven_day, "resets_at": seven_resets}
    return out


def agent_dir(host_dir: Path, agent_id: str, name: str | None = None) -> Path:
    """`<host_dir>/agents/<id>` with a data.json like mngr's."""
    path = host_dir / "agents" / agent_id
    path.mkdir(parents=True, exist_ok=True)
    record = {
        "id": agent_id,
        "name": name or f"a-{agent_id[-8:]}",
        "type": "claude",
        "work_dir": "/tmp/wd",
        "create_time": "2026-01-01T00:00:00+00:00",
        "command": "claude",
    }
    (path / "data.json").write_text(json.dumps(record))
    return path


def write_events(
    state_dir: Path, events: list[dict[str, Any]], source: str = "claude", raw: bytes = b""
) -> Path:
    """Append events (and raw bytes) to `<state_dir>/events/<source>/usage/events.jsonl`."""
    path = state_dir / "events" / source / "usage" / "events.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as f:
        for e in events:
            f.write(json.dumps(e, separators=(",", ":")).encode() + b"\n")
        f.write(raw)
    return path


def upstream_example(host_dir: Path) -> None:
    """UPSTREAM.md §5.7: agent A (one process, two sessions), agent B (API key)."""
    ten = NOW - 6000  # 10:00
    a = agent_dir(host_dir, "agent-" + "a" * 32, "alpha")
    write_events(
        a,
        [
            event(ten, "0f1e2d3c-aaaa-4bbb-8ccc-000000000001", cost(0.10, 60000, 20000, 2, 0)),
            event(
                ten + 300,
                "0f1e2d3c-aaaa-4bbb-8ccc-000000000001",
                cost(0.42, 300000, 90000, 10, 2),
                windows(44, 13, NOW + 12000, NOW + 402000),
            ),
            event(
                ten + 3600,
                "9a8b7c6d-bbbb-4ccc-8ddd-000000000002",
                cost(1.23, 900000, 300000, 40, 7),
                windows(44, 13, NOW + 12000, NOW + 402000),
            ),
        ],
    )
    b = agent_dir(host_dir, "agent-" + "b" * 32, "beta")
    write_events(
        b,
        [
            event(
                NOW - 600,
                "c0ffee00-cccc-4ddd-8eee-000000000003",
                cost(2.5, 120000, 80000, 0, 0),
                process="linux:boot0000:200:1",
            ),
        ],
    )


def generated_host(out: Path, agents: int, events_per_agent: int) -> Path:
    """A host dir of realistic events from bench/generate.py (the shim's own writer)."""
    script = Path(__file__).parents[1] / "bench" / "generate.py"
    args = ["--agents", str(agents), "--events-per-agent", str(events_per_agent)]
    subprocess.run([sys.executable, str(script), str(out), *args], check=True, capture_output=True)
    return out
