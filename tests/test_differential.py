"""Upstream's reader beside ours over the same events (UPSTREAM.md §9-§10, SPEC §7-§8).

differential_cases.py plants every case as its own source in one host dir, so one run of
upstream's `mngr usage` (~6 s to start) aggregates them all. Upstream runs three times,
in parallel, over copies of that dir: `--format json --detail`, `--format json --since
1h40m`, and the human text with `--detail`; ours runs the same three through its console
script, with the same frozen clock.

An agreeing case must come out the same: every key upstream prints is in ours, in the
same order, with the same value (ours adds keys after upstream's at each level). Each
deliberate difference has a test pinning both sides' values. (The unintended ones this
test found were fixed: legacy processes cut in time order, totals summed as sum() does,
rate_limits without a window object not a subscription, a boolean percentage a number.)
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .conftest import missing
from .differential_cases import AGREEING, T, plant_cases
from .upstream_oracle import OracleUnavailable, ensure_venv, finish, start_upstream

pytestmark = pytest.mark.slow

# name: (upstream's arguments, ours)
RUNS = {
    "detail": (["--format", "json", "--detail"], ["--json", "--detail"]),
    "since": (["--format", "json", "--since", "1h40m"], ["--json", "--since", "1h40m"]),
    "human": (["--detail"], ["--detail"]),
}


@dataclass(frozen=True)
class Outputs:
    """One reader's three runs over the planted host dir."""

    detail: dict[str, Any]
    since: dict[str, Any]
    human: str
    human_stderr: str

    def source(self, name: str, run: str = "detail") -> dict[str, Any] | None:
        doc = self.detail if run == "detail" else self.since
        found = [s for s in doc["sources"] if s["source"] == name]
        assert len(found) <= 1, name
        return found[0] if found else None

    def section(self, name: str) -> str | None:
        """The human text of one source, its `[name]` header included."""
        for section in self.human.rstrip("\n").split("\n\n"):
            if section.split("\n", 1)[0] == f"[{name}]":
                return section
        return None

    def warnings(self, name: str) -> list[str]:
        """The stale and reset warnings about one source, in order."""
        pattern = re.compile(rf"\[{re.escape(name)}\] (snapshot last updated .*|a window .*)$")
        found = (pattern.search(line) for line in self.human_stderr.splitlines())
        return [m.group(1) for m in found if m]


def run_ours(host_dir: Path, args: list[str]) -> tuple[str, str]:
    """Our console script over `host_dir` at the frozen clock: (stdout, stderr)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MNGR_", "CLAUDE_"))}
    env.update(TZ="UTC", NO_COLOR="1", CLAUDE_USAGE_NOW=str(T))
    code = "from claude_usage.cli.app import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, *args, "--host-dir", str(host_dir), "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, done.stderr


def _outputs(results: dict[str, tuple[str, str]]) -> Outputs:
    detail, since, (human, human_stderr) = results["detail"], results["since"], results["human"]
    return Outputs(json.loads(detail[0]), json.loads(since[0]), human, human_stderr)


@pytest.fixture(scope="session")
def upstream_python() -> Path:
    """Upstream's own virtualenv: built once (from PyPI), then reused."""
    try:
        return ensure_venv()
    except OracleUnavailable as error:
        missing(f"cannot build upstream's virtualenv .venv-upstream: {error}")


@pytest.fixture(scope="session")
def both(
    upstream_python: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Outputs, Outputs]:
    """(upstream's outputs, ours) over the same planted events."""
    root = tmp_path_factory.mktemp("differential")
    planted, ours_planted = root / "planted", root / "planted-ours"
    plant_cases(planted)
    shutil.copytree(planted, ours_planted)
    started = {}
    for run, (upstream_args, _) in RUNS.items():
        scratch = root / f"upstream-{run}"
        host_dir = scratch / "mngr"  # a copy each: mngr writes its own files there
        shutil.copytree(planted, host_dir)
        started[run] = start_upstream(upstream_python, host_dir, T, upstream_args, scratch)
    try:
        ours = {run: run_ours(ours_planted, our_args) for run, (_, our_args) in RUNS.items()}
        theirs = {run: finish(process) for run, process in started.items()}
    finally:
        for process in started.values():
            if process.poll() is None:  # a run failed: leave no upstream process behind
                process.kill()
                process.wait()
    return _outputs(theirs), _outputs(ours)


# --- comparing ---


def _is_number(value: object) -> bool:
    return type(value) in (int, float)


def _same_number(theirs: float, ours: float) -> bool:
    # JSON has one number type: 44 and 44.0 are the same value.
    return theirs == ours or (math.isnan(theirs) and math.isnan(ours))


def differences(theirs: Any, ours: Any, path: str = "") -> list[str]:
    """Where ours does not carry upstream's keys, order and values: `path: ...` each."""
    if isinstance(theirs, dict):
        if not isinstance(ours, dict):
            return [f"{path}: ours {ours!r}, upstream an object"]
        found = [f"{path}.{k}: missing" for k in theirs if k not in ours]
        if list(ours)[: len(theirs)] != list(theirs):
            found.append(f"{path}: key order {list(ours)}, upstream {list(theirs)}")
        for key, value in theirs.items():
            if key == "model" and value is None and ".sessions[" in path:
                continue  # upstream leaves a Claude session's model null; ours fills it (SPEC §7)
            if key in ours:
                found += differences(value, ours[key], f"{path}.{key}")
        return found
    if isinstance(theirs, list) and path.endswith(".sessions"):
        return _session_differences(theirs, ours, path)
    if _is_number(theirs) and _is_number(ours) and _same_number(theirs, ours):
        return []
    if type(theirs) is not type(ours) or theirs != ours:
        return [f"{path}: ours {ours!r}, upstream {theirs!r}"]
    return []


def _session_key(session: dict[str, Any]) -> tuple[str, int]:
    return session["session_id"], session["first_event_at"]  # a resumed session: two records


def _session_differences(theirs: list, ours: Any, path: str) -> list[str]:
    if not isinstance(ours, list):
        return [f"{path}: ours {ours!r}, upstream a list"]
    keys = [[_session_key(s) for s in side] for side in (theirs, ours)]
    if keys[1] != keys[0]:
        return [f"{path}: ours {keys[1]}, upstream {keys[0]}"]
    return [
        found
        for t, o in zip(theirs, ours, strict=True)
        for found in differences(t, o, f"{path}[{t['session_id']}]")
    ]


def differing_paths(theirs: Any, ours: Any) -> set[str]:
    return {found.split(":")[0] for found in differences(theirs, ours)}


_PACE = re.compile(r" \u2014 at this pace full in [^\n]*")  # ours only (SPEC §7 pace)


def as_upstream_text(section: str | None) -> str | None:
    """Our human text without what only ours prints."""
    return None if section is None else _PACE.sub("", section)


def session(source: dict[str, Any] | None, session_id: str) -> dict[str, Any]:
    assert source is not None
    (found,) = [s for s in source["sessions"] if s["session_id"] == session_id]
    return found


def usd_by_session(source: dict[str, Any] | None) -> list[tuple[str, float | None]]:
    assert source is not None
    return [(s["session_id"], s["cost"]["total_cost_usd"]) for s in source["sessions"]]


def mode_of(source: dict[str, Any] | None) -> tuple[int, int]:
    """(subscription sessions, api sessions)."""
    assert source is not None
    return source["subscription_session_count"], source["api_session_count"]


# --- the agreeing cases ---


def test_every_agreeing_case_reaches_upstream(both: tuple[Outputs, Outputs]) -> None:
    theirs, _ = both
    shown = {s["source"] for s in theirs.detail["sources"]}
    assert set(AGREEING) - shown == {"since_gone"}  # the one case meant to vanish


@pytest.mark.parametrize("run", ["detail", "since"])
@pytest.mark.parametrize("name", AGREEING)
def test_json_agrees(both: tuple[Outputs, Outputs], name: str, run: str) -> None:
    theirs, ours = both
    assert differences(theirs.source(name, run), ours.source(name, run), name) == []


@pytest.mark.parametrize("name", AGREEING)
def test_human_text_agrees(both: tuple[Outputs, Outputs], name: str) -> None:
    theirs, ours = both
    assert as_upstream_text(ours.section(name)) == theirs.section(name)
    assert ours.warnings(name) == theirs.warnings(name)


@pytest.mark.parametrize("run", ["detail", "since"])
def test_report_header_and_source_order_agree(both: tuple[Outputs, Outputs], run: str) -> None:
    theirs, ours = both
    docs = [o.detail if run == "detail" else o.since for o in (theirs, ours)]
    order = [[s["source"] for s in doc["sources"] if s["source"] in AGREEING] for doc in docs]
    assert order[1] == order[0]
    assert [list(doc)[:3] for doc in docs] == [["now", "since_seconds", "sources"]] * 2
    assert {(doc["now"], doc["since_seconds"]) for doc in docs} == {
        (T, 86400 if run == "detail" else 6000)
    }


# --- deliberate differences: both sides pinned ---


def test_a_cost_with_an_unknown_key_is_kept(both: tuple[Outputs, Outputs]) -> None:
    # SPEC §8: upstream drops a cost block with an unknown key, so a new Claude Code
    # field would zero every cost; ours keeps it.
    theirs, ours = both
    up, us = theirs.source("diff_cost_unknown_key"), ours.source("diff_cost_unknown_key")
    assert (session(up, "s")["cost"]["total_cost_usd"], session(up, "s")["last_event_at"]) == (
        0.5,
        T - 600,
    )
    assert (session(us, "s")["cost"]["total_cost_usd"], session(us, "s")["last_event_at"]) == (
        0.7,
        T - 300,
    )
    assert (
        theirs.section("diff_cost_unknown_key")
        == "[diff_cost_unknown_key]\napi cost: $0.50 (10m ago)"
    )
    assert (
        ours.section("diff_cost_unknown_key") == "[diff_cost_unknown_key]\napi cost: $0.70 (5m ago)"
    )


def test_a_fraction_in_an_integer_cost_field_keeps_the_cost(both: tuple[Outputs, Outputs]) -> None:
    # SPEC §7-§8: numbers may be ints or floats; upstream's pydantic refuses 1000.5 for an
    # int field and drops the whole cost block, and with it the only session and the source.
    theirs, ours = both
    assert theirs.source("diff_cost_fraction_in_integer_field") is None
    us = ours.source("diff_cost_fraction_in_integer_field")
    assert session(us, "s")["cost"] == {
        "total_cost_usd": 0.5,
        "total_duration_ms": 1000.5,
        "total_api_duration_ms": None,
        "total_lines_added": None,
        "total_lines_removed": None,
    }


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("diff_window_unknown_key", "5h: 40% used, resets in 16m 40s"),
        ("diff_window_label_not_text", "five_hour: 20% used, resets in 1m 40s"),
        ("diff_window_resets_fraction", "5h: 20% used, resets in 1m 40s"),
    ],
)
def test_a_window_upstream_refuses_is_kept(
    both: tuple[Outputs, Outputs], name: str, line: str
) -> None:
    # SPEC §7-§8: tolerant parsing. Upstream drops a window with an unknown key (here
    # `limit_kind`), a label that is not a string or a fractional resets_at; without a
    # window the process is API_KEY. Ours keeps the window and calls the process SUBSCRIPTION.
    theirs, ours = both
    up, us = theirs.source(name), ours.source(name)
    assert (mode_of(up), "five_hour" in up) == ((0, 1), False)  # type: ignore[operator]
    assert (mode_of(us), us["five_hour"]["is_present"]) == ((1, 0), True)  # type: ignore[index]
    assert theirs.section(name) == f"[{name}]\napi cost: $0.50 (1m 40s ago)"
    assert (
        ours.section(name) == f"[{name}]\nsubscription cost (imputed): $0.50 (1m 40s ago)\n{line}"
    )


def test_no_line_splitting_at_u2028(both: tuple[Outputs, Outputs]) -> None:
    # SPEC §8: upstream splits lines with str.splitlines, which also breaks at a raw
    # U+2028 inside a JSON string (jq writes it raw): the event is lost as two bad lines.
    theirs, ours = both
    up, us = theirs.source("diff_u2028"), ours.source("diff_u2028")
    assert usd_by_session(up) == [("first", 0.1)]
    assert usd_by_session(us) == [("second", 0.19999999999999998), ("first", 0.1)]
    skipped = "Skipping malformed event line in agent a-00000001 diff_u2028/usage"
    assert theirs.human_stderr.count(skipped) == 2
    assert "diff_u2028" not in ours.human_stderr


def test_exact_accounting_per_process(both: tuple[Outputs, Outputs]) -> None:
    # SPEC §8: with `process` recorded, each process is its own counter. Upstream has one
    # stream per agent and guesses processes from cost drops: two interleaved processes
    # become five, and a new process that starts above the old one's reading is merged.
    theirs, ours = both
    up, us = theirs.source("diff_process_interleaved"), ours.source("diff_process_interleaved")
    assert usd_by_session(up) == [("a", 2.0), ("b", 1.0), ("a", 1.5), ("b", 0.5), ("a", 1.0)]
    assert usd_by_session(us) == [("a", 3.0), ("b", 1.0)]
    assert (up["api_cost"]["total_cost_usd"], us["api_cost"]["total_cost_usd"]) == (6.0, 4.0)  # type: ignore[index]
    up, us = theirs.source("diff_process_no_drop"), ours.source("diff_process_no_drop")
    assert usd_by_session(up) == [("b", 0.4), ("a", 0.1)]
    assert usd_by_session(us) == [("b", 0.5), ("a", 0.1)]


def test_counter_semantics(both: tuple[Outputs, Outputs]) -> None:
    # SPEC §8: each increase goes to the session of the later reading. Upstream credits a
    # session its latest reading minus the previous session's latest: for a, b, a at
    # 0.1, 0.3, 0.5 it gives a everything; after a session with no dollar figure it
    # counts the next session's dollars from 0 again (5 + 6 = 11 for a counter at 6).
    theirs, ours = both
    name = "diff_counter_interleaved_sessions"
    assert usd_by_session(theirs.source(name)) == [("a", 0.5), ("b", 0.0)]
    assert usd_by_session(ours.source(name)) == [
        ("a", 0.30000000000000004),
        ("b", 0.19999999999999998),
    ]
    name = "diff_counter_null_baseline"
    assert usd_by_session(theirs.source(name)) == [("c", 6.0), ("b", None), ("a", 5.0)]
    assert usd_by_session(ours.source(name)) == [("c", 1.0), ("b", None), ("a", 5.0)]
    assert theirs.source(name)["api_cost"]["total_cost_usd"] == 11.0  # type: ignore[index]
    assert ours.source(name)["api_cost"]["total_cost_usd"] == 6.0  # type: ignore[index]


def test_highest_reading_of_the_newest_window(both: tuple[Outputs, Outputs]) -> None:
    # SPEC §8: an idle session re-renders old numbers with a fresh timestamp. Upstream
    # shows the newest event's windows; ours the reading with the latest resets_at, and of
    # those the highest used_percentage.
    theirs, ours = both
    up, us = theirs.source("diff_window_highest"), ours.source("diff_window_highest")
    assert (up["five_hour"]["used_percentage"], us["five_hour"]["used_percentage"]) == (30, 40)  # type: ignore[index]
    assert differing_paths(up, us) == {".five_hour.used_percentage"}
    up, us = theirs.source("diff_window_newest"), ours.source("diff_window_newest")
    assert [up["five_hour"][k] for k in ("used_percentage", "resets_at")] == [95, T - 60]  # type: ignore[index]
    assert [us["five_hour"][k] for k in ("used_percentage", "resets_at")] == [5, T + 17000]  # type: ignore[index]
    assert (up["is_stale"], us["is_stale"]) == (True, False)  # type: ignore[index]
    assert theirs.warnings("diff_window_newest") == [
        "a window already reset; the cached percentage is from the previous window"
    ]
    assert ours.warnings("diff_window_newest") == []


def test_windows_per_account(both: tuple[Outputs, Outputs]) -> None:
    # SPEC §8: with `account` recorded, each account has its windows. The top-level
    # windows agree (the freshest account's, as upstream's freshest agent's); ours adds
    # accounts[] and prints every account's windows.
    theirs, ours = both
    up, us = theirs.source("diff_per_account"), ours.source("diff_per_account")
    assert differences(up, us) == []
    assert [a["account"] for a in us["accounts"]] == ["bbbbbbbbbbbb", "aaaaaaaaaaaa"]  # type: ignore[index]
    windows_up = theirs.section("diff_per_account").split("\n")[-1:]  # type: ignore[union-attr]
    windows_us = ours.section("diff_per_account").split("\n")[-3:]  # type: ignore[union-attr]
    assert windows_up == ["5h: 80% used, resets in 3h 20m"]
    assert windows_us == [
        "5h (account bbbbbbbbbbbb): 80% used, resets in 3h 20m",
        "5h (account aaaaaaaaaaaa): 10% used, resets in 3h 20m",
        "7d (account aaaaaaaaaaaa): 3% used, resets in 4d 15h",
    ]


def test_a_window_named_like_a_source_key(both: tuple[Outputs, Outputs]) -> None:
    # README (the report's JSON): a window key that would overwrite one of the source's
    # own keys appears only under accounts[]. Upstream's JSON overwrites session_count.
    theirs, ours = both
    up, us = (
        theirs.source("diff_window_named_like_a_key"),
        ours.source("diff_window_named_like_a_key"),
    )
    assert up["session_count"]["used_percentage"] == 5  # type: ignore[index]
    assert us["session_count"] == 1  # type: ignore[index]
    assert us["accounts"][0]["windows"]["session_count"]["used_percentage"] == 5  # type: ignore[index]
    assert differing_paths(up, us) == {".session_count"}


def test_agents_are_keyed_by_host_and_id(both: tuple[Outputs, Outputs]) -> None:
    # SPEC §8: agents are keyed by (host, agent id). A1's archive from another host is
    # skipped by upstream because an agent A1 is live here; ours counts both.
    theirs, ours = both
    up, us = theirs.source("diff_same_agent_two_hosts"), ours.source("diff_same_agent_two_hosts")
    assert usd_by_session(up) == [("here", 1.0)]
    assert usd_by_session(us) == [("here", 1.0), ("there", 2.0)]
    assert session(us, "there")["host"] == "host-" + "e" * 32


def test_a_negative_or_nan_cost_is_no_reading(both: tuple[Outputs, Outputs]) -> None:
    # Upstream clamps the session's share to $0.00; to ours such a total is no reading
    # at all (a null neither resets nor advances the counter, SPEC §7): the session is
    # there, with no cost.
    theirs, ours = both
    for name in ("cost_negative", "cost_nan"):
        assert usd_by_session(theirs.source(name)) == [("s", 0.0)]
        assert usd_by_session(ours.source(name)) == [("s", None)]
        assert (theirs.section(name) or "").startswith(f"[{name}]\napi cost: $0.00")
        lines = (ours.section(name) or "").splitlines()
        assert not any(line.startswith(("api cost", "subscription cost")) for line in lines)
