"""The report over many files: --since, staleness, sources, accounts (SPEC §7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_usage.reader.collect import Selection, collect_report
from claude_usage.reader.discover import EventsFile
from claude_usage.reader.report import SUBSCRIPTION, mode_totals

from .plant import NOW, agent_dir, cost, event, upstream_example, windows, write_events


def report(tmp_path: Path, **selection: object):
    return collect_report(Selection(host_dirs=[tmp_path], use_cache=False, **selection), now=NOW)[0]


def test_upstream_example_sessions_and_totals(tmp_path: Path) -> None:
    upstream_example(tmp_path)
    (source,) = report(tmp_path).sources
    assert [s.session_id[:8] for s in source.sessions] == ["c0ffee00", "9a8b7c6d", "0f1e2d3c"]
    assert mode_totals(source.sessions_of(SUBSCRIPTION))[:3] == (1.23, 900000, 300000)
    assert source.updated_at == NOW - 600


def test_since_is_inclusive_and_never_filters_windows(tmp_path: Path) -> None:
    a = agent_dir(tmp_path, "agent-1")
    write_events(
        a,
        [
            event(NOW - 6000, "old", cost(1.0), windows(30), process="p1"),
            event(NOW - 5000, "new", cost(0.5), process="p2"),
        ],
    )
    assert [s.session_id for s in report(tmp_path, since_seconds=6000).sources[0].sessions] == [
        "new",
        "old",
    ]
    assert [s.session_id for s in report(tmp_path, since_seconds=5999).sources[0].sessions] == [
        "new"
    ]
    only_window = report(tmp_path, since_seconds=10).sources[0]
    assert only_window.sessions == [] and only_window.windows["five_hour"].used == 30


def test_staleness_boundaries(tmp_path: Path) -> None:
    write_events(
        agent_dir(tmp_path, "agent-1"),
        [event(NOW - 300, "s", cost(1.0), windows(5, five_resets=NOW))],
    )
    fresh = report(tmp_path, stale_after_seconds=300).sources[0]
    assert (fresh.is_age_stale, fresh.has_past_reset) == (
        False,
        False,
    )  # exactly 300 s, resets_at == now
    assert report(tmp_path, stale_after_seconds=299).sources[0].is_age_stale


def test_a_reset_window_makes_the_source_stale(tmp_path: Path) -> None:
    write_events(
        agent_dir(tmp_path, "agent-1"),
        [event(NOW - 5, "s", cost(1.0), windows(5, five_resets=NOW - 1))],
    )
    source = report(tmp_path).sources[0]
    assert source.has_past_reset and source.is_stale


def test_freshest_window_reading_across_agents(tmp_path: Path) -> None:
    write_events(
        agent_dir(tmp_path, "agent-1"),
        [event(NOW - 100, "s", cost(1.0), windows(10, five_resets=NOW + 100))],
    )
    write_events(
        agent_dir(tmp_path, "agent-2"),
        [event(NOW - 200, "t", cost(1.0), windows(90, five_resets=NOW + 18100), process="p9")],
    )
    assert report(tmp_path).sources[0].windows["five_hour"].used == 90


def test_accounts_have_their_own_windows(tmp_path: Path) -> None:
    write_events(
        agent_dir(tmp_path, "agent-1"),
        [event(NOW - 100, "s", cost(1.0), windows(10), account="aaaaaaaaaaaa")],
    )
    write_events(
        agent_dir(tmp_path, "agent-2"),
        [event(NOW - 50, "t", cost(1.0), windows(80), account="bbbbbbbbbbbb", process="p9")],
    )
    source = report(tmp_path).sources[0]
    assert [(a.account, a.windows["five_hour"].used) for a in source.accounts] == [
        ("bbbbbbbbbbbb", 80),
        ("aaaaaaaaaaaa", 10),
    ]
    assert source.windows["five_hour"].used == 80  # the freshest account's


def test_sources_freshest_first_and_empty_ones_dropped(tmp_path: Path) -> None:
    a = agent_dir(tmp_path, "agent-1")
    write_events(a, [event(NOW - 100, "s", cost(1.0))], source="claude")
    write_events(a, [event(NOW - 10, "s", cost(1.0))], source="codex")
    write_events(
        a, [event(NOW - 90000, "s", cost(1.0))], source="old"
    )  # no session within --since, no window
    assert [s.source for s in report(tmp_path).sources] == ["codex", "claude"]


def test_no_data(tmp_path: Path) -> None:
    assert report(tmp_path).sources == []


def test_a_selection_carries_the_files_an_agent_listing_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two agents in the default host dir; a listing (mngr's) that found only one of them.
    default = tmp_path / "mngr"
    monkeypatch.setenv("MNGR_HOST_DIR", str(default))
    write_events(agent_dir(default, "agent-1"), [event(NOW - 60, "s-1", cost(1.0))])
    picked = write_events(agent_dir(default, "agent-2"), [event(NOW - 60, "s-2", cost(2.0))])
    listed = [EventsFile(picked, "claude", "vm", "agent-2", "two")]

    def sessions(selection: Selection, **listing: list[EventsFile]) -> list[str]:
        result = collect_report(selection, now=NOW, **listing)[0]
        return [s.session_id for src in result.sources for s in src.sessions]

    assert sorted(sessions(Selection(use_cache=False))) == ["s-1", "s-2"]  # the defaults
    assert sessions(Selection(use_cache=False, listed=listed)) == ["s-2"]
    assert sessions(Selection(use_cache=False), listed=listed) == ["s-2"]
