"""The `wait` loop: read the report, evaluate the condition, sleep, until it holds or time is up.

The clock, the sleep and the reading are passed in, so the loop is tested without waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from claude_usage.errors import ClaudeUsageError
from claude_usage.reader.condition import Condition, ConditionEvalError, evaluate
from claude_usage.reader.durations import format_seconds

TIMED_OUT_EXIT = 2  # as mngr's own timeouts


class WaitTimedOut(ClaudeUsageError):
    """The condition was still false when the timeout ran out."""

    exit_code = TIMED_OUT_EXIT


def wait_until(
    condition: Condition,
    read_report: Callable[[], tuple[dict[str, Any], list[str]]],
    *,
    interval: float,
    timeout: float | None,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    warn: Callable[[str], None],
) -> dict[str, Any]:
    """The first report (JSON object) the condition holds for; WaitTimedOut after `timeout`.

    `read_report` gives the report and the reader's warnings. An evaluation error (a key
    not there yet) counts as false; each distinct warning and error is passed to `warn`
    once, not on every tick. A non-boolean result (ConditionTypeError) is raised at once.
    """
    deadline = None if timeout is None else clock() + timeout
    seen: set[str] = set()
    last_error: ConditionEvalError | None = None

    def warn_once(message: str) -> None:
        if message not in seen:
            seen.add(message)
            warn(message)

    while True:
        report, warnings = read_report()
        for warning in warnings:
            warn_once(warning)
        try:
            if evaluate(condition, report):
                return report
            last_error = None
        except ConditionEvalError as error:
            last_error = error
            if error.summary not in seen:
                seen.add(error.summary)
                warn(f"{error.summary}; counted as false, still waiting{error.snippet}")
        left = None if deadline is None else deadline - clock()
        if left is not None and left <= 0:
            raise WaitTimedOut(_timed_out(condition, timeout, last_error))
        sleep(interval if left is None else min(interval, left))


def _timed_out(
    condition: Condition, timeout: float | None, error: ConditionEvalError | None
) -> str:
    message = f"timed out: {condition.text!r} was still false after {format_seconds(timeout or 0)}"
    return message if error is None else f"{message} (last error: {error.problem})"
