"""The events test_differential.py plants for upstream's reader and ours (UPSTREAM.md §10).

Each case is one source: its lines go to `agents/<id>/events/<case>/usage/events.jsonl`
of the agents it names, so one run of each reader aggregates every case on its own.
Events without `process` are upstream's writer's (processes split where the cost drops);
a case that must agree keeps its sessions in separate agents or lets the cost drop, so
that upstream's rule and ours see the same processes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .plant import NOW, agent_dir, cost, event, upstream_example, windows, write_events

T = NOW  # 2026-12-03T11:40:00Z
DAY = 86400
AGENTS = [f"agent-{i:032x}" for i in range(1, 5)]  # mngr wants agent-<32 hex digits>
A1, A2, A3, A4 = AGENTS
OTHER_HOST = "host-" + "e" * 32
ACCOUNT_A, ACCOUNT_B = "aaaaaaaaaaaa", "bbbbbbbbbbbb"

Line = dict[str, Any] | bytes  # an event, or bytes written as they are
Case = dict[str, list[Line]]  # agent id -> its lines, in file order
CASES: dict[str, Callable[[], Case]] = {}
AGREEING: list[str] = ["claude"]  # upstream_example(): UPSTREAM.md §5.7


def case(name: str, agrees: bool = True) -> Callable[[Callable[[], Case]], Callable[[], Case]]:
    """Register a case; its lines go to the source `name`."""

    def register(plant: Callable[[], Case]) -> Callable[[], Case]:
        CASES[name] = plant
        if agrees:
            AGREEING.append(name)
        return plant

    return register


def up(at: float, session_id: Any, usd: Any = None, rate_limits: Any = None) -> dict[str, Any]:
    """An event as upstream's writer writes it: no `process`."""
    return event(at, session_id, usd, rate_limits, upstream=True)


def ours(
    at: float, session_id: str, usd: Any = None, rate_limits: Any = None, process: str = "1", **kw
) -> dict[str, Any]:
    """An event as our writer writes it."""
    return event(at, session_id, usd, rate_limits, process=f"linux:boot0000:{process}:1", **kw)


def edit(e: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """The event with keys replaced (where they stand) or added (at the end)."""
    return {**e, **fields}


def raw(e: dict[str, Any], end: bytes = b"\n", **dumps: Any) -> bytes:
    """One line as json.dumps lays it out (", " and ": " unless told)."""
    return json.dumps(e, **dumps).encode() + end


def window(used: Any, resets_at: Any, **more: Any) -> dict[str, Any]:
    return {"used_percentage": used, "resets_at": resets_at, **more}


# --- both readers agree (UPSTREAM.md §5, §10) ---


@case("timestamps")
def _timestamps() -> Case:
    forms = [
        "2026-12-03",  # midnight
        "2026-12-03T10:00:00+00:00",
        "2026-12-03T12:00:05+02:00",
        "2026-12-03T10:00:10",  # naive: local time, TZ=UTC
        "2026-12-03T10:00:15.999Z",  # the fraction is cut off
        "2026-12-03 10:00:20Z",
        "20261203T100025Z",
        "2026-12-03T10:00:30.5-01:00",
        "2026-12-03T11:00:35.123456789Z",  # our writer's
    ]
    return {
        A1: [edit(up(0, f"ts-{i}", cost(0.1 * (i + 1))), timestamp=f) for i, f in enumerate(forms)]
    }


@case("bad_timestamps")
def _bad_timestamps() -> Case:
    bad = [
        "garbage",
        None,
        T - 600,
        "",
        "2026-12-03T10:00:60.000000000Z",
        "2026-02-30T10:00:00.000000000Z",
        "2026-12-03T25:00:00.000000000Z",
        "2026-12-03T11:00:00.abcdefghZ",  # the writer's length and shape
    ]
    lost = [edit(up(0, "lost", cost(0.9), windows(90)), timestamp=b) for b in bad]
    return {A1: [up(T - 1000, "kept", cost(0.5), windows(20)), *lost, raw(lost[-1])]}


@case("bad_session_ids")
def _bad_session_ids() -> Case:
    lost = up(T - 500, "x", cost(0.9), windows(90, 50))  # its windows are lost too
    without = {k: v for k, v in lost.items() if k != "session_id"}
    good = up(T - 1000, "good", cost(0.5), windows(20))
    return {A1: [good, *(edit(lost, session_id=v) for v in ("", 123, None, ["s"])), without]}


@case("numeric_strings")
def _numeric_strings() -> Case:
    return {
        A1: [
            up(T - 1000, "s1", {"total_cost_usd": " 0.5 ", "total_duration_ms": "1000"}),
            up(T - 900, "s2", {"total_cost_usd": True, "total_duration_ms": 2000.0}),
            up(T - 800, "s3", {"total_cost_usd": 2, "total_lines_added": True}),
            up(T - 700, "s4", {"total_cost_usd": "2.5e0", "total_lines_added": "7"}),
            up(T - 600, "s5", {"total_cost_usd": "1e-3"}),  # a drop: a new process
        ]
    }


@case("null_cost_fields")
def _null_cost_fields() -> Case:
    return {
        A1: [up(T - 600, "empty", {})],
        A2: [up(T - 500, "duration-only", {"total_cost_usd": None, "total_duration_ms": 5000})],
    }


@case("cost_not_an_object")
def _cost_not_an_object() -> Case:
    return {
        A1: [up(T - 900, "list", [1, 2]), up(T - 800, "text", "1.5"), up(T - 700, "ok", cost(0.25))]
    }


@case("legacy_drops")
def _legacy_drops() -> Case:
    return {
        A1: [
            up(T - 3000, "a", cost(5.0, 60000, 1000, 10, 1)),
            up(T - 2900, "b", cost(0.3, 1000, 500, 2, 0)),  # a drop: a new process
            up(T - 2000, "c", cost(1.0, 9000, 900, 4, 1)),
            up(T - 2000, "d", cost(0.5, 100, 50, 1, 0)),  # the same second, falling
            up(T - 1900, "d", cost(0.2, 50, 20, 0, 0)),  # /resume after a restart
            up(T - 1800, "e", cost(0.9, 8000, 700, 9, 3)),
        ]
    }


@case("legacy_rate_limits_before_drop")
def _legacy_rate_limits_before_drop() -> Case:
    return {
        A1: [
            up(T - 1000, "f", cost(1.0)),
            up(T - 900, "f", None, windows(10)),  # makes the old process SUBSCRIPTION
            up(T - 800, "g", cost(0.4)),
        ]
    }


@case("resumed_in_new_process")
def _resumed_in_new_process() -> Case:
    return {
        A1: [
            ours(T - 4000, "s", cost(0.8), windows(5), "1"),
            ours(T - 3900, "s", cost(1.2), windows(6), "1"),
            ours(T - 3000, "s", cost(0.1), windows(7), "2"),
            ours(T - 2900, "s", cost(0.4), windows(8), "2"),
        ]
    }


@case("rate_limits_only")
def _rate_limits_only() -> Case:
    return {A1: [up(T - 200, "s", None, windows(30, 5)), up(T - 100, "s", None, windows(31, 5))]}


@case("windows_two_agents")
def _windows_two_agents() -> Case:
    return {
        A1: [up(T - 6000, "x", cost(0.1), windows(10, 2, T + 1000))],
        A2: [up(T - 2400, "y", cost(0.2), windows(90, 7, T + 1000))],
    }


@case("stale_old_window")
def _stale_old_window() -> Case:
    old = T - 30 * DAY
    return {A1: [up(old, "old", cost(3.0), windows(12, 40, old + 10000, old + 500000))]}


@case("since_edges")
def _since_edges() -> Case:
    # --since 1d keeps 86400 s, not 86401; the --since 1h40m run keeps 6000, not 6001.
    ages = (86401, 86400, 6001, 6000)
    return {
        agent: [up(T - age, f"age-{age}", cost(0.1))]
        for agent, age in zip(AGENTS, ages, strict=True)
    }


@case("since_gone")
def _since_gone() -> Case:
    return {A1: [up(T - 86401, "gone", cost(1.0))]}  # no session kept, no window: no source


@case("stale_after_300")
def _stale_after_300() -> Case:
    return {A1: [up(T - 300, "s", cost(1.0))]}


@case("stale_after_301")
def _stale_after_301() -> Case:
    return {A1: [up(T - 301, "s", cost(1.0))]}


@case("percent_rounding")
def _percent_rounding() -> Case:
    rate_limits = {
        "five_hour": window(73.5, T + 100),
        "seven_day": window(72.5, T + 200000),
        "seven_day_opus": window(0.5, T + 300000),
        "seven_day_sonnet": window(99.99999999999999, T + 300000),
    }
    return {A1: [up(T - 60, "s", cost(0.1), rate_limits)]}


@case("dollar_rounding")
def _dollar_rounding() -> Case:
    amounts = (0.005, 0.125, 0.4275)
    return {
        agent: [up(T - 300 + 100 * i, f"usd-{i}", cost(usd))]
        for i, (agent, usd) in enumerate(zip(AGENTS[:3], amounts, strict=True))
    }


@case("window_null")
def _window_null() -> Case:
    rate_limits = {"five_hour": None, "seven_day": window(20, T + 9000)}  # writer: label only
    return {A1: [up(T - 100, "s", cost(0.3), rate_limits)]}


@case("window_fields")
def _window_fields() -> Case:
    rate_limits = {
        "five_hour": window("50", T + 3000, status="allowed", is_using_overage=False),
        "seven_day_opus": window(12.25, T + 100000),  # no window_seconds: no elapsed
    }
    return {A1: [up(T - 100, "s", cost(0.2), rate_limits)]}


@case("window_resets_now")
def _window_resets_now() -> Case:
    return {A1: [up(T - 50, "s", cost(0.2), windows(5, 9, T, T + 1))]}


@case("window_reset_past")
def _window_reset_past() -> Case:
    return {A1: [up(T - 50, "s", cost(0.2), windows(60, 9, T - 3600))]}


@case("future_event")
def _future_event() -> Case:
    return {A1: [up(T + 100, "s", cost(0.2), windows(5, 1))]}


@case("line_shapes")
def _line_shapes() -> Case:
    first = raw(up(T - 500, "a", cost(0.1)), end=b"\r\n")
    return {
        A1: [
            first,
            b"\xff\xfe" + raw(up(T - 450, "bom", cost(0.2))),
            first[:40] + b"\n",  # torn
            b"\n",
            b"   \n",
            b"[1, 2]\n",
            b'"text"\n',
            b"5\n",
            b"{}\n",
            raw(up(T - 400, "b", cost(0.3))),
        ]
    }


@case("nested/deep")
def _nested() -> Case:
    return {A1: [up(T - 100, "s", cost(0.1))]}


@case("mixed_modes")
def _mixed_modes() -> Case:
    return {
        A1: [ours(T - 900, "sub-1", cost(0.6), windows(15), "1")],
        A2: [ours(T - 800, "api-1", cost(1.4), None, "2", auth_env=["ANTHROPIC_API_KEY"])],
        A3: [ours(T - 700, "api-2", cost(0.3), None, "3")],
    }


@case("float_deltas")
def _float_deltas() -> Case:
    return {
        A1: [up(T - 300, "a", cost(0.42)), up(T - 200, "b", cost(0.7)), up(T - 100, "c", cost(0.9))]
    }


# --- unintended differences found here: xfail tests in test_differential.py ---


@case("legacy_out_of_order")
def _legacy_out_of_order() -> Case:
    return {
        A1: [up(T - 300, "x", cost(0.5)), up(T - 100, "y", cost(0.9)), up(T - 200, "z", cost(0.2))]
    }


@case("rate_limits_empty")
def _rate_limits_empty() -> Case:
    return {A1: [up(T - 100, "s", cost(0.5), {})]}


@case("rate_limits_not_windows")
def _rate_limits_not_windows() -> Case:
    return {A1: [up(T - 100, "s", cost(0.5), {"five_hour": 5, "seven_day": "x"})]}


@case("window_used_bool")
def _window_used_bool() -> Case:
    return {A1: [up(T - 100, "s", cost(0.5), {"five_hour": window(True, T + 100)})]}


@case("cost_negative", agrees=False)
def _cost_negative() -> Case:
    return {A1: [up(T - 100, "s", cost(-1.0, 1000))]}


@case("cost_nan", agrees=False)
def _cost_nan() -> Case:
    return {A1: [raw(up(T - 100, "s", cost(float("nan"), 1000)))]}


# --- deliberate differences (SPEC §7-§8), each pinned by a test ---


@case("diff_cost_unknown_key", agrees=False)
def _diff_cost_unknown_key() -> Case:
    later = {**cost(0.7, 2000), "future_field": 1}
    return {A1: [up(T - 600, "s", cost(0.5, 1000)), up(T - 300, "s", later)]}


@case("diff_cost_fraction_in_integer_field", agrees=False)
def _diff_cost_fraction_in_integer_field() -> Case:
    return {A1: [up(T - 100, "s", {"total_cost_usd": 0.5, "total_duration_ms": 1000.5})]}


@case("diff_window_unknown_key", agrees=False)
def _diff_window_unknown_key() -> Case:
    return {A1: [up(T - 100, "s", cost(0.5), {"five_hour": window(40, T + 1000, limit_kind="x")})]}


@case("diff_window_label_not_text", agrees=False)
def _diff_window_label_not_text() -> Case:
    bad = {"five_hour": window(20, T + 100, label=5, window_seconds=18000)}
    return {A1: [edit(up(T - 100, "s", cost(0.5)), rate_limits=bad)]}


@case("diff_window_resets_fraction", agrees=False)
def _diff_window_resets_fraction() -> Case:
    bad = {"five_hour": window(20, T + 100.5, label="5h", window_seconds=18000)}
    return {A1: [edit(up(T - 100, "s", cost(0.5)), rate_limits=bad)]}


@case("diff_u2028", agrees=False)
def _diff_u2028() -> Case:
    titled = edit(up(T - 300, "second", cost(0.3)), title="a\u2028b")  # raw, as jq writes it
    return {A1: [up(T - 600, "first", cost(0.1)), raw(titled, ensure_ascii=False)]}


@case("diff_process_interleaved", agrees=False)
def _diff_process_interleaved() -> Case:
    return {
        A1: [
            ours(T - 500, "a", cost(1.0), None, "1"),
            ours(T - 400, "b", cost(0.5), None, "2"),
            ours(T - 300, "a", cost(2.0), None, "1"),
            ours(T - 200, "b", cost(1.0), None, "2"),
            ours(T - 100, "a", cost(3.0), None, "1"),
        ]
    }


@case("diff_process_no_drop", agrees=False)
def _diff_process_no_drop() -> Case:
    # A new process whose first reading is above the old one's last: no drop to see.
    return {
        A1: [ours(T - 500, "a", cost(0.1), None, "1"), ours(T - 400, "b", cost(0.5), None, "2")]
    }


@case("diff_counter_interleaved_sessions", agrees=False)
def _diff_counter_interleaved_sessions() -> Case:
    return {
        A1: [up(T - 300, "a", cost(0.1)), up(T - 200, "b", cost(0.3)), up(T - 100, "a", cost(0.5))]
    }


@case("diff_counter_null_baseline", agrees=False)
def _diff_counter_null_baseline() -> Case:
    return {
        A1: [
            up(T - 300, "a", cost(5.0)),
            up(T - 200, "b", {"total_duration_ms": 1000}),
            up(T - 100, "c", cost(6.0)),
        ]
    }


@case("diff_window_highest", agrees=False)
def _diff_window_highest() -> Case:
    return {
        A1: [up(T - 600, "busy", cost(0.5), windows(40, 10, T + 1000, T + 90000))],
        A2: [up(T - 300, "idle", cost(0.1), windows(30, 10, T + 1000, T + 90000))],  # re-render
    }


@case("diff_window_newest", agrees=False)
def _diff_window_newest() -> Case:
    return {
        A1: [up(T - 600, "new", cost(0.5), windows(5, None, T + 17000))],
        A2: [up(T - 300, "idle", cost(0.1), windows(95, None, T - 60))],  # the previous window
    }


@case("diff_per_account", agrees=False)
def _diff_per_account() -> Case:
    return {
        A1: [ours(T - 100, "a", cost(0.5), windows(10, 3), "1", account=ACCOUNT_A)],
        A2: [ours(T - 50, "b", cost(0.7), windows(80), "2", account=ACCOUNT_B)],
    }


@case("diff_window_named_like_a_key", agrees=False)
def _diff_window_named_like_a_key() -> Case:
    return {A1: [up(T - 100, "s", cost(0.5), {**windows(44), "session_count": window(5, T + 60)})]}


@case("diff_same_agent_two_hosts", agrees=False)
def _diff_same_agent_two_hosts() -> Case:
    # The live A1 here; A1's archive from another host is planted by plant_cases.
    return {A1: [up(T - 100, "here", cost(1.0))]}


def plant_cases(host_dir: Path, names: list[str] | None = None) -> None:
    """The cases (all, or those named) under one host dir, each in its own source."""
    if names is None:
        names = ["claude", *CASES]
    if "claude" in names:
        upstream_example(host_dir)
    for name in names:
        if name == "claude":
            continue
        for agent_id, lines in CASES[name]().items():
            state = agent_dir(host_dir, agent_id)
            for line in lines:
                if isinstance(line, bytes):
                    write_events(state, [], name, raw=line)
                else:
                    write_events(state, [line], name)
    if "diff_same_agent_two_hosts" in names:
        _plant_archive_from_other_host(host_dir)


def _plant_archive_from_other_host(host_dir: Path) -> None:
    # A1 destroyed on another host: mngr names the archive `<name>--<id>--<host id>` when
    # the plain name is taken, and upstream's legacy sidecar names the host.
    archive = host_dir / "preserved" / f"elsewhere--{A1}--{OTHER_HOST}"
    archive.mkdir(parents=True)
    record = json.loads((host_dir / "agents" / A1 / "data.json").read_text())
    (archive / "data.json").write_text(json.dumps({**record, "name": "elsewhere"}))
    meta = {"provider_name": "local", "host_id": OTHER_HOST, "host_name": "elsewhere"}
    (archive / "mngr_usage_meta.json").write_text(json.dumps(meta))
    write_events(archive, [up(T - 200, "there", cost(2.0))], "diff_same_agent_two_hosts")
