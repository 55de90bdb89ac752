"""Rollups by agent, host, account, model and day (issue 5): rules and invariants. Pure."""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claude_usage.reader.aggregate import FileTally
from claude_usage.reader.discover import EventsFile
from claude_usage.reader.report import build_report, mode_totals
from claude_usage.reader.rollup import RollupError, build_rollup, check_levels

from .plant import NOW, cost, event, windows

MIDNIGHT = 1796256000  # 2026-12-03T00:00:00Z
DAY = 86400


def _day_in(offset_seconds: int):
    return lambda at: time.strftime("%Y-%m-%d", time.gmtime(at + offset_seconds))


def _file(agent: str, host: str = "vm") -> EventsFile:
    return EventsFile(
        path=f"/x/{host}/{agent}",  # type: ignore[arg-type]
        source="claude",
        host=host,
        agent_id=f"agent-{agent}",
        agent_name=agent,
    )


def _report(files: dict[tuple[str, str], list[dict]], since: int = 30 * DAY):
    tallies = []
    for (agent, host), events in files.items():
        tally = FileTally()
        for e in sorted(events, key=lambda e: e["timestamp"]):
            tally.add(e)
        tallies.append((_file(agent, host), tally))
    return build_report(tallies, NOW, since, 300)


def _rollup(report, by, offset=0):
    return build_rollup(
        report.kept_sessions(), by, _day_in(offset), report.now - report.since_seconds
    )


def test_rows_by_agent_keep_both_costs_apart_and_sum_to_the_report() -> None:
    report = _report(
        {
            ("alpha", "vm"): [
                event(NOW - 600, "s1", cost(1.0), windows(10), process="p1"),
                event(NOW - 300, "s1", cost(1.5), windows(12), process="p1"),
                event(NOW - 200, "s2", cost(2.0), windows(12), process="p1"),
            ],
            ("beta", "vm"): [
                event(NOW - 100, "s3", cost(4.0), process="p2", auth_env=["ANTHROPIC_API_KEY"])
            ],
        }
    )
    rollup = _rollup(report, ["agent"])
    rows = {r.value: r for r in rollup.rows}
    assert [r.value for r in rollup.rows] == ["beta", "alpha"]  # most spent first
    assert rows["alpha"].subscription[0] == 2.0 and rows["alpha"].api[0] is None
    assert (rows["alpha"].subscription_sessions, rows["alpha"].api_sessions) == (2, 0)
    assert rows["beta"].api[0] == 4.0 and rows["beta"].subscription_sessions == 0
    assert (rows["alpha"].first_at, rows["alpha"].last_at) == (NOW - 600, NOW - 200)
    assert rows["alpha"].extra == {"agent_id": "agent-alpha", "host": "vm"}
    sub = [r for r in report.kept_sessions() if r.mode == "SUBSCRIPTION"]
    assert rollup.total.subscription == mode_totals(sub)
    assert rollup.total.api[0] == 4.0


def test_agents_are_told_apart_by_host() -> None:
    report = _report(
        {
            ("alpha", "vm1"): [event(NOW - 60, "s1", cost(1.0), windows(1), process="p1")],
            ("alpha", "vm2"): [event(NOW - 60, "s1", cost(2.0), windows(1), process="p1")],
        }
    )
    rows = _rollup(report, ["agent"]).rows
    assert [(r.value, r.extra["host"], r.subscription[0]) for r in rows] == [
        ("alpha", "vm2", 2.0),
        ("alpha", "vm1", 1.0),
    ]
    assert [r.value for r in _rollup(report, ["host"]).rows] == ["vm2", "vm1"]


@pytest.mark.parametrize(
    ("offset", "days"),
    [
        pytest.param(0, {"2026-12-02": 1.0, "2026-12-03": 2.0}, id="utc"),
        # 23:50Z and 00:10Z are both 2026-12-03 at +05:30; 18:20Z is still the 2nd at -05:45.
        pytest.param(19800, {"2026-12-03": 3.0}, id="india-plus-0530"),
        pytest.param(-20700, {"2026-12-02": 3.0}, id="minus-0545"),
    ],
)
def test_a_session_across_midnight_splits_in_the_zone_asked(offset: int, days: dict) -> None:
    report = _report(
        {
            ("alpha", "vm"): [
                event(MIDNIGHT - 900, "s1", cost(0.25), windows(1), process="p"),
                event(MIDNIGHT - 600, "s1", cost(1.0), windows(1), process="p"),
                event(MIDNIGHT + 600, "s1", cost(3.0), windows(1), process="p"),
            ]
        }
    )
    rollup = _rollup(report, ["day"], offset)
    assert {r.value: r.subscription[0] for r in rollup.rows} == days
    assert all(r.subscription_sessions == 1 for r in rollup.rows)


def test_by_day_keeps_only_the_quarter_hours_within_since() -> None:
    report = _report(
        {
            ("alpha", "vm"): [
                event(NOW - 3 * DAY, "s1", cost(1.0), windows(1), process="p"),
                event(NOW - 60, "s1", cost(1.5), windows(1), process="p"),
            ]
        },
        since=DAY,
    )
    assert [r.subscription[0] for r in _rollup(report, ["agent"]).rows] == [1.5]  # the session
    assert [(r.value, r.subscription[0]) for r in _rollup(report, ["day"]).rows] == [
        ("2026-12-03", 0.5)
    ]


def test_two_levels_nest_and_each_parent_sums_its_children() -> None:
    report = _report(
        {
            ("alpha", "vm"): [
                event(MIDNIGHT - 600, "s1", cost(1.0), windows(1), process="p", model="opus"),
                event(MIDNIGHT + 600, "s2", cost(3.0), windows(1), process="p", model="haiku"),
            ],
            ("beta", "vm"): [event(MIDNIGHT + 60, "s3", cost(5.0), windows(1), process="q")],
        }
    )
    rollup = _rollup(report, ["day", "agent"])
    assert [r.value for r in rollup.rows] == ["2026-12-02", "2026-12-03"]  # days in order
    dec3 = rollup.rows[1]
    assert [(c.value, c.subscription[0]) for c in dec3.rows] == [("beta", 5.0), ("alpha", 2.0)]
    assert dec3.subscription[0] == 7.0 and dec3.subscription_sessions == 2
    by_model = _rollup(report, ["agent", "model"]).rows
    assert [(r.value, [c.value for c in r.rows]) for r in by_model] == [
        ("beta", ["claude-opus-5"]),
        ("alpha", ["haiku", "opus"]),
    ]


def test_unknown_account_and_model_are_a_row_of_their_own() -> None:
    report = _report(
        {
            ("alpha", "vm"): [
                event(NOW - 60, "s1", cost(1.0), windows(1), process="p", account="acc1"),
                event(NOW - 30, "s2", cost(1.5), windows(1), process="q", model=None),
            ]
        }
    )
    assert [(r.value, r.subscription[0]) for r in _rollup(report, ["account"]).rows] == [
        (None, 1.5),
        ("acc1", 1.0),
    ]
    assert [r.value for r in _rollup(report, ["model"]).rows] == [None, "claude-opus-5"]


@pytest.mark.parametrize(
    ("by", "message"),
    [
        (["agent", "day", "host"], "at most 2 levels"),
        (["day", "day"], "--by day is given twice"),
        (["team"], "cannot roll up by 'team'"),
    ],
)
def test_levels_that_make_no_rollup(by: list[str], message: str) -> None:
    with pytest.raises(RollupError, match=message):
        check_levels(by)


def test_no_sessions_no_rows() -> None:
    rollup = build_rollup([], ["agent"], _day_in(0), 0)
    assert rollup.rows == [] and rollup.total.session_count == 0


readings = st.lists(
    st.tuples(
        st.integers(0, 3 * DAY),  # seconds before NOW
        st.sampled_from(["s1", "s2", "s3"]),
        st.sampled_from(["p1", "p2"]),
        st.floats(0, 50, allow_nan=False),
        st.sampled_from(["alpha", "beta"]),
    ),
    min_size=1,
    max_size=40,
)


@given(readings, st.sampled_from([0, 19800, -20700, 45900]))
def test_days_add_up_to_the_sessions_and_children_to_parents(seq, offset: int) -> None:
    files: dict[tuple[str, str], list[dict]] = {}
    for ago, session, process, usd, agent in seq:
        e = event(NOW - ago, session, cost(usd), windows(1), process=f"{agent}-{process}")
        files.setdefault((agent, "vm"), []).append(e)
    report = _report(files, since=30 * DAY)
    by_day = _rollup(report, ["agent", "day"], offset)
    whole = _rollup(report, ["agent"])
    assert sorted(r.value for r in by_day.rows) == sorted(r.value for r in whole.rows)
    for parent in by_day.rows:
        exact = next(r for r in whole.rows if r.value == parent.value)
        assert parent.subscription[0] == pytest.approx(exact.subscription[0], abs=1e-6)
        assert parent.subscription_sessions == exact.subscription_sessions
        children = math.fsum(c.subscription[0] or 0 for c in parent.rows)
        assert children == pytest.approx(parent.subscription[0], abs=1e-6)
        assert [c.value for c in parent.rows] == sorted(c.value for c in parent.rows)
