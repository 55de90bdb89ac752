"""`claude-usage --by ...`: the rollup table and JSON, zones, and bad levels, through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claude_usage.cli.app import app

from .conftest import console_script
from .plant import NOW, agent_dir, cost, event, upstream_example, windows, write_events

runner = CliRunner()
MIDNIGHT = 1796256000  # 2026-12-03T00:00:00Z

# UPSTREAM.md §5.7's example: alpha's two subscription sessions, beta's API-key session.
AGENT_TABLE = """\
            sessions   imputed   billable
 agent       sub/api     (sub)      (api)   span
 ────────────────────────────────────────────────────────────────────
 beta            0/1         –      $2.50   12-03 11:30
 alpha           2/0     $1.23          –   12-03 10:00–11:00

 total           2/1     $1.23      $2.50   12-03 10:00–11:30
"""


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAUDE_USAGE_NOW", str(NOW))


@pytest.fixture
def host(tmp_path: Path) -> Path:
    upstream_example(tmp_path / "host")
    return tmp_path / "host"


@pytest.fixture
def midnight_host(tmp_path: Path) -> Path:
    """One subscription session across midnight UTC: $1.00 before, $2.00 after."""
    host = tmp_path / "midnight"
    a = agent_dir(host, "agent-" + "c" * 32, "gamma")
    write_events(
        a,
        [
            event(MIDNIGHT - 1200, "s1", cost(0.5), windows(5)),
            event(MIDNIGHT - 600, "s1", cost(1.0), windows(5)),
            event(MIDNIGHT + 1200, "s1", cost(3.0), windows(6)),
        ],
    )
    return host


def run(*args: str):
    return runner.invoke(app, list(args))


def test_by_agent_is_a_table_of_both_costs(host: Path) -> None:
    result = run("--host-dir", str(host), "--by", "agent")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == AGENT_TABLE


def test_by_agent_json_is_the_report_with_a_rollup(host: Path) -> None:
    plain = json.loads(run("--host-dir", str(host), "--json").stdout)
    result = json.loads(run("--host-dir", str(host), "--json", "--by", "agent").stdout)
    rollup = result.pop("rollup")
    assert result == plain  # the report itself is unchanged
    assert list(rollup) == ["by", "time_zone", "rows", "total"]
    assert (rollup["by"], rollup["time_zone"]) == (["agent"], None)
    beta, alpha = rollup["rows"]
    assert list(alpha) == [
        "agent",
        "agent_id",
        "host",
        "session_count",
        "subscription_session_count",
        "api_session_count",
        "subscription_cost",
        "api_cost",
        "first_event_at",
        "last_event_at",
    ]
    assert (alpha["agent"], alpha["session_count"], alpha["subscription_session_count"]) == (
        "alpha",
        2,
        2,
    )
    assert alpha["subscription_cost"] == {
        "total_cost_usd": 1.23,
        "total_duration_ms": 900000,
        "total_api_duration_ms": 300000,
        "total_lines_added": 40,
        "total_lines_removed": 7,
    }
    assert alpha["api_cost"]["total_cost_usd"] is None
    assert (beta["agent"], beta["api_cost"]["total_cost_usd"]) == ("beta", 2.5)
    source = plain["sources"][0]
    assert rollup["total"]["subscription_cost"] == {
        k: v for k, v in source["subscription_cost"].items() if k != "is_estimated"
    }
    assert rollup["total"]["api_cost"]["total_cost_usd"] == source["api_cost"]["total_cost_usd"]


def test_two_levels_nest_in_json_and_in_the_table(host: Path) -> None:
    result = json.loads(
        run("--host-dir", str(host), "--json", "--by", "host", "--by", "agent").stdout
    )
    (only_host,) = result["rollup"]["rows"]
    assert [r["agent"] for r in only_host["rows"]] == ["beta", "alpha"]
    assert "rows" not in only_host["rows"][0]
    table = run("--host-dir", str(host), "--by", "host", "--by", "agent").stdout
    lines = table.splitlines()
    assert lines[1].split()[:2] == ["host", "agent"]
    children = [line.split()[0] for line in lines if line.startswith(" " * 12)]
    assert children[-2:] == ["beta", "alpha"]  # indented under their host (folded above)


def _cli(env_tz: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TZ": env_tz, "CLAUDE_USAGE_NOW": str(NOW)}
    return subprocess.run(
        [console_script(), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def _days(done: subprocess.CompletedProcess) -> dict[str, float]:
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rollup"]["rows"]
    return {r["day"]: r["subscription_cost"]["total_cost_usd"] for r in rows}


def test_by_day_in_the_local_zone_or_utc(midnight_host: Path) -> None:
    args = ("--host-dir", str(midnight_host), "--json", "--by", "day", "--since", "2d")
    assert _days(_cli("UTC", *args)) == {"2026-12-02": 1.0, "2026-12-03": 2.0}
    kolkata = _cli("Asia/Kolkata", *args)
    assert _days(kolkata) == {"2026-12-03": 3.0}
    assert json.loads(kolkata.stdout)["rollup"]["time_zone"] == "IST (UTC+05:30)"
    assert _days(_cli("Asia/Kolkata", *args, "--utc")) == {"2026-12-02": 1.0, "2026-12-03": 2.0}
    table = _cli("America/St_Johns", "--host-dir", str(midnight_host), "--by", "day")
    assert table.returncode == 0, table.stderr
    assert "2026-12-02" in table.stdout and "2026-12-03" not in table.stdout
    assert table.stdout.rstrip().endswith("days in NST (UTC-03:30)")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--by", "agent", "--by", "day", "--by", "host"), "at most 2 levels"),
        (("--by", "day", "--by", "day"), "--by day is given twice"),
        (("--by", "team"), "'team' is not one of"),
        (("--by", "agent", "--format", "prometheus"), "a rollup is shown as a table or JSON"),
    ],
)
def test_bad_levels_are_usage_errors(host: Path, args: tuple[str, ...], message: str) -> None:
    result = run("--host-dir", str(host), *args)
    assert result.exit_code == 2
    assert message in result.stderr and result.stdout == ""


def test_no_data_is_a_hint_not_a_table(tmp_path: Path) -> None:
    result = run("--host-dir", str(tmp_path), "--by", "agent")
    assert (result.exit_code, result.stdout) == (0, "")
    assert "No usage data yet" in result.stderr
    as_json = json.loads(run("--host-dir", str(tmp_path), "--by", "agent", "--json").stdout)
    assert as_json["rollup"]["rows"] == [] and as_json["rollup"]["total"]["session_count"] == 0


def test_source_options_choose_what_is_rolled_up(host: Path) -> None:
    only = json.loads(
        run("--host-dir", str(host), "--agent", "alpha", "--json", "--by", "agent").stdout
    )
    assert [r["agent"] for r in only["rollup"]["rows"]] == ["alpha"]
    recent = json.loads(
        run("--host-dir", str(host), "--since", "30m", "--json", "--by", "agent").stdout
    )
    assert [r["agent"] for r in recent["rollup"]["rows"]] == ["beta"]


def test_a_rollup_from_the_cache_is_the_rollup_read_cold(tmp_path: Path) -> None:
    host = tmp_path / "ints"
    a = agent_dir(host, "agent-" + "d" * 32, "delta")
    # Whole dollars and durations as ints, as a payload may send them.
    write_events(a, [event(MIDNIGHT - 600, "s1", cost(1, 1000, 10, 2, 0), windows(5))])
    args = ["--host-dir", str(host), "--json", "--since", "2d", "--by", "agent", "--by", "day"]
    first = run(*args)  # fills the cache
    write_events(a, [event(MIDNIGHT + 600, "s1", cost(2, 3000, 30, 5, 1), windows(5))])
    cached, cold = run(*args), run(*args, "--no-cache")
    assert first.exit_code == cached.exit_code == cold.exit_code == 0
    assert cached.stdout == cold.stdout
    days = json.loads(cold.stdout)["rollup"]["rows"][0]["rows"]
    usd = [(d["day"], d["subscription_cost"]["total_cost_usd"]) for d in days]
    assert usd == [("2026-12-02", 1.0), ("2026-12-03", 1.0)]
    # Dollars are floats in every row, whether the day's share was closed (kept as a
    # double) or is still open (the payload's int); durations and lines are ints.
    assert [type(value) for _, value in usd] == [float, float]
    assert days[1]["subscription_cost"]["total_duration_ms"] == 2000
    assert type(days[1]["subscription_cost"]["total_lines_added"]) is int


def test_control_characters_from_the_events_are_shown_not_obeyed(tmp_path: Path) -> None:
    host = tmp_path / "hostile"
    a = agent_dir(host, "agent-" + "e" * 32, "evil\x1b[2J[bold]x")
    window = {"used_percentage": 5, "resets_at": NOW + 600}
    write_events(
        a,
        [
            event(NOW - 120, "s\x1b[31m-1", cost(1.0), {"w\x1b]0;pwned\x07": window}),
            event(NOW - 60, "s-2", cost(2.0), {"w\x1b]0;pwned\x07": window}),
        ],
    )
    outputs = [
        run("--host-dir", str(host), "--detail").stdout,
        run("--host-dir", str(host), "--by", "agent").stdout,
        run("watch", "--host-dir", str(host), "--count", "1").stdout,
    ]
    for out in outputs:
        assert out and "\x1b" not in out and "\x07" not in out
    report, table, line = outputs
    assert "w?]0;pwned?: 5% used" in report and "  [sub] s?[31m-1: $1.00" in report
    assert "evil?[2J[bold]x" in table  # as written: neither an escape nor rich markup
    assert "w?]0;pwned? 5%" in line
