"""The built-in status line: model, session cost, 5h and 7d used percentages."""

from __future__ import annotations

import json

import pytest

from claude_usage.shim.summary_line import summary_line

from .conftest import DATA

GOLDEN = {
    "constructed-missing-nested-keys": "Opus · $0.50 · 7d 41%",
    "constructed-over-100-percent-and-large-numbers": (
        "Opus 5 (1M context) · $1234.57 · 5h 105% · 7d 100%"
    ),
    "constructed-unicode-paths-and-unknown-keys": "Fable 5.1 · $0.00 · 5h 0% · 7d 3%",
    "constructed-v1.0.72-earliest-minimal": "Opus 4.1",
    "constructed-v2.0.76-context-without-percentages": "Sonnet 4.5 · $0.71",
    "constructed-v2.1.150-nulls-after-compact-partial-rate-limits": "Opus 4.8 · $27.11 · 7d 57%",
    "constructed-v2.1.230-bedrock-no-rate-limits": "Sonnet 4.5 · $0.09",
    "constructed-v2.1.240-all-documented-fields-max": "Opus 4.8 · $8.77 · 5h 38% · 7d 61%",
    "constructed-v2.1.240-api-key-no-rate-limits": "Sonnet 5 · $3.41",
    "constructed-v2.1.284-gateway-spend-limit-only": "Sonnet 5.5 · $4.18",
    "observed-v2.1.277-pro-windows-prompt-cache": "Opus 5 · $11.94 · 5h 19% · 7d 7%",
    "real-v1.0.88-cost-no-context-window": "Sonnet 4 · $0.06",
    "real-v2.1.226-windows-first-render": "Haiku 4.5 · $0.00",
    "real-v2.1.226-windows-later-render-subscription": "Haiku 4.5 · $0.17 · 5h 7% · 7d 75%",
    "real-v2.1.228-subscription-1m-context-sanitized": (
        "Opus 5 (1M context) · $1.23 · 5h 52% · 7d 40%"
    ),
}


def test_golden_covers_every_payload() -> None:
    assert set(GOLDEN) == {p.stem for p in (DATA / "payloads").glob("*.json")}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_real_payloads(name: str) -> None:
    payload = json.loads((DATA / "payloads" / f"{name}.json").read_text())
    assert summary_line(payload) == GOLDEN[name]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        pytest.param(None, "", id="not-a-payload"),
        pytest.param([], "", id="array"),
        pytest.param({}, "", id="empty"),
        pytest.param({"model": {"id": "claude-x"}}, "claude-x", id="id-when-no-display-name"),
        pytest.param({"model": {"display_name": " ", "id": "m"}}, "m", id="blank-name-falls-back"),
        pytest.param({"model": "Opus"}, "", id="model-not-an-object"),
        pytest.param({"cost": {"total_cost_usd": "1.5"}}, "$1.50", id="numeric-string-cost"),
        pytest.param({"cost": {"total_cost_usd": True}}, "", id="bool-is-not-a-number"),
        pytest.param({"cost": {"total_cost_usd": "abc"}}, "", id="non-numeric-string"),
        pytest.param({"cost": {"total_cost_usd": 1e300}}, "$1e+300", id="huge-cost-stays-short"),
        pytest.param({"cost": {"total_cost_usd": float("nan")}}, "", id="nan-dropped"),
        pytest.param(
            {"rate_limits": {"five_hour": {"used_percentage": 72.5}}}, "5h 72%", id="half-even"
        ),
        pytest.param({"rate_limits": {"seven_day": None}}, "", id="null-window"),
        pytest.param({"rate_limits": {"five_hour": {"used_percentage": None}}}, "", id="null-pct"),
        pytest.param(
            {"model": {"display_name": "A\x1b[31mB\nC\u2028D\x9bE"}},
            "A[31mBCDE",
            id="controls-removed",
        ),
        pytest.param({"model": {"display_name": "x" * 500}}, "x" * 60, id="long-name-cut"),
    ],
)
def test_edge_cases(payload: object, expected: str) -> None:
    assert summary_line(payload) == expected
