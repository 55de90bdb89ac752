"""CEL conditions over the JSON report: names, numbers, null, errors with their place."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from claude_usage.reader.condition import (
    ConditionError,
    ConditionEvalError,
    ConditionSyntaxError,
    ConditionTypeError,
    compile_condition,
    evaluate,
    names,
)

# The shape of `report_dict`: the freshest source first, then an older one.
REPORT: dict[str, Any] = {
    "now": 1796298000,
    "since_seconds": 86400,
    "sources": [
        {
            "source": "claude",
            "updated_at": 1796297990,
            "is_stale": False,
            "session_count": 2,
            "api_session_count": 1,
            "subscription_cost": {"total_cost_usd": 1.23, "total_lines_added": 40},
            "api_cost": {"total_cost_usd": 2.5, "total_lines_added": None},
            "five_hour": {
                "used_percentage": 44.0,
                "resets_at": 1796310000,
                "projected_full_at": None,
                "is_present": True,
            },
            "accounts": [],
        },
        {
            "source": "other",
            "updated_at": 1796290000,
            "session_count": 1,
            "api_cost": {"total_cost_usd": 7.0},
        },
    ],
}


def holds(text: str, report: dict[str, Any] = REPORT) -> bool:
    return evaluate(compile_condition(text), report)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("five_hour.used_percentage < 50", True, id="int-literal"),
        pytest.param("five_hour.used_percentage < 50.0", True, id="double-literal"),
        pytest.param("five_hour.used_percentage < 44", False, id="int-literal-false"),
        pytest.param("50 > five_hour.used_percentage", True, id="int-on-the-left"),
        pytest.param("five_hour.used_percentage == 44", True, id="equal-across-types"),
        pytest.param("five_hour.used_percentage != 44", False, id="not-equal-across-types"),
        pytest.param("session_count >= 2", True, id="count-int"),
        pytest.param("session_count >= 2.0", True, id="count-double"),
        pytest.param("session_count == 2", True, id="count-equal"),
        pytest.param("2 == session_count", True, id="count-equal-reversed"),
        pytest.param("session_count > 2", False, id="count-false"),
        pytest.param("session_count in [2, 3]", True, id="in-a-list-across-types"),
        pytest.param("session_count in [1, 3]", False, id="not-in-a-list"),
        pytest.param("100 - five_hour.used_percentage > 50", True, id="arithmetic-int-first"),
        pytest.param("five_hour.used_percentage / 8 == 5.5", True, id="division"),
        pytest.param("session_count / 4 == 0.5", True, id="a-count-divides-as-a-double"),
        pytest.param("api_cost.total_cost_usd > 2", True, id="api-cost"),
        pytest.param("subscription_cost.total_cost_usd > 5", False, id="subscription-cost"),
        pytest.param("five_hour.used_percentage != null", True, id="value-is-not-null"),
        pytest.param("five_hour.used_percentage == null", False, id="value-equals-null"),
        pytest.param("null != five_hour.used_percentage", True, id="null-on-the-left"),
        pytest.param("five_hour.projected_full_at == null", True, id="null-field"),
        pytest.param("five_hour.projected_full_at != null", False, id="null-field-not-null"),
        pytest.param("api_cost.total_lines_added == null", True, id="null-count"),
        pytest.param("sources.exists(s, s.api_cost.total_cost_usd > 5)", True, id="any-source"),
        pytest.param("sources.all(s, s.api_cost.total_cost_usd > 5)", False, id="all-sources"),
        pytest.param("size(sources) == 2", True, id="size"),
        pytest.param("sources[1].source == 'other'", True, id="index"),
        pytest.param("source == 'claude' && !is_stale", True, id="strings-and-bools"),
        pytest.param("now - updated_at < 60", True, id="top-level-now"),
        pytest.param("since_seconds == 86400", True, id="report-key"),
        pytest.param("has(seven_day)", False, id="has-absent-window"),
        pytest.param("has(seven_day) && seven_day.used_percentage > 90", False, id="guarded"),
        pytest.param("five_hour.used_percentage < 50 || missing > 1", True, id="short-circuit"),
    ],
)
def test_conditions(text: str, expected: bool) -> None:
    assert holds(text) is expected


def test_names_are_the_reports_keys_then_the_freshest_sources() -> None:
    available = names(REPORT)
    assert available["sources"] is REPORT["sources"]
    assert available["session_count"] == 2  # sources[0]'s, not the older source's 1
    assert set(available) == {*REPORT, *REPORT["sources"][0]}
    assert names({"now": 1, "since_seconds": 2, "sources": []}) == {
        "now": 1,
        "since_seconds": 2,
        "sources": [],
    }


def test_the_report_wins_over_a_source_key_of_the_same_name() -> None:
    report = {"now": 5, "since_seconds": 1, "sources": [{"now": 99, "since_seconds": 1}]}
    assert holds("now == 5", report)


@pytest.mark.parametrize(
    ("text", "problem", "caret_line"),
    [
        pytest.param(
            "five_hour.used_percentage <",
            "not valid CEL: the expression ends too early at column 28",
            "  five_hour.used_percentage <\n                             ^",
            id="ends-early",
        ),
        pytest.param(
            "1 +* 2", "not valid CEL: unexpected '*' at column 4", "  1 +* 2\n     ^", id="token"
        ),
        pytest.param(
            "five_hour.used_percentage <> 3",
            "not valid CEL: unexpected '>' at column 28",
            "  five_hour.used_percentage <> 3\n                             ^",
            id="no-such-operator",
        ),
        pytest.param(
            "source == 'claude",
            'not valid CEL: unexpected character "\'" at column 11',
            "  source == 'claude\n            ^",
            id="unclosed-string",
        ),
        pytest.param(
            "now > 1 &&\nsession_count >",
            "not valid CEL: the expression ends too early at line 2 column 16",
            "  session_count >\n                 ^",
            id="second-line",
        ),
        pytest.param("  ", "not valid CEL: the expression is empty", None, id="empty"),
    ],
)
def test_syntax_errors_say_what_and_where(text: str, problem: str, caret_line: str | None) -> None:
    with pytest.raises(ConditionSyntaxError) as caught:
        compile_condition(text)
    error = caught.value
    assert error.problem == problem
    assert str(error).startswith(f"condition {text!r}: {problem}")
    if caret_line is not None:
        assert str(error).endswith(":\n" + caret_line)
    assert error.exit_code == 1


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param(
            "seven_day.used_percentage < 50",
            "unknown name 'seven_day' (names: source, updated_at, is_stale, session_count, "
            "api_session_count, subscription_cost, api_cost, five_hour, accounts, now, "
            "since_seconds, sources) at column 1",
            id="window-not-recorded-yet",
        ),
        pytest.param(
            "five_hour.used_pct < 50", "no such key: 'used_pct' at column 1", id="key-typo"
        ),
        pytest.param(
            "five_hour.projected_full_at < 5",
            "no operator < for null and int at column 1",
            id="null-compared",
        ),
        pytest.param(
            "five_hour.projected_full_at.x == 1",
            "a field of null that has no fields at column 1",
            id="field-of-null",
        ),
        pytest.param(
            "source > 3", "no operator > for string and int at column 1", id="string-compared"
        ),
        pytest.param(
            "now > 1 && sources[5].source == 'x'",
            "a list index out of range at column 12",
            id="index-and-column",
        ),
    ],
)
def test_evaluation_errors_say_what_and_where(text: str, problem: str) -> None:
    condition = compile_condition(text)  # these all parse
    with pytest.raises(ConditionEvalError) as caught:
        evaluate(condition, REPORT)
    assert caught.value.problem == problem
    assert caught.value.summary == f"condition {text!r}: {problem}"


def test_no_data_yet_is_an_evaluation_error_listing_the_names() -> None:
    empty = {"now": 1, "since_seconds": 86400, "sources": []}
    with pytest.raises(ConditionEvalError, match=r"unknown name 'five_hour' \(names: now, since"):
        holds("five_hour.used_percentage < 50", empty)


@pytest.mark.parametrize(
    ("text", "gives"),
    [
        ("five_hour.used_percentage", "gives double 44.0, not true or false"),
        ("five_hour.projected_full_at", "gives null, not true or false"),
        ("source", "gives string claude, not true or false"),
        ("sources", "gives list, not true or false"),
    ],
)
def test_a_non_boolean_result_is_its_own_error(text: str, gives: str) -> None:
    with pytest.raises(ConditionTypeError) as caught:
        holds(text)
    assert caught.value.problem.startswith(gives)
    assert not isinstance(caught.value, ConditionEvalError)  # not "keep waiting"


def test_errors_are_the_projects_errors() -> None:
    for error in (ConditionSyntaxError, ConditionEvalError, ConditionTypeError):
        assert issubclass(error, ConditionError)
    from claude_usage.errors import ClaudeUsageError

    assert issubclass(ConditionError, ClaudeUsageError)


def test_a_compiled_condition_is_evaluated_again_on_each_report() -> None:
    condition = compile_condition("api_cost.total_cost_usd > 5")
    later = {**REPORT, "sources": [{**REPORT["sources"][0], "api_cost": {"total_cost_usd": 6}}]}
    assert [evaluate(condition, r) for r in (REPORT, later, REPORT)] == [False, True, False]


def test_huge_numbers_from_a_writer_still_compare() -> None:
    report = {"now": 1, "since_seconds": 1, "sources": [{"api_cost": {"total_cost_usd": 10**400}}]}
    assert holds("api_cost.total_cost_usd > 5", report)


def test_the_readmes_conditions_compile_and_evaluate() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    conditions = re.findall(r"--until '([^']+)'", readme)
    assert len(conditions) >= 4
    seven_day = {"used_percentage": 13.0, "resets_at": 1796700000}
    report = {**REPORT, "sources": [{**REPORT["sources"][0], "seven_day": seven_day}]}
    for text in conditions:
        assert evaluate(compile_condition(text), report) in (True, False)
