"""Conditions over the JSON report, in CEL (Common Expression Language), for `wait`. Pure.

An expression sees the report's top-level keys (`now`, `since_seconds`, `sources`) and,
for convenience, every key of the freshest source (`sources[0]`) too, so
`five_hour.used_percentage < 50` and `sources.exists(s, s.api_cost.total_cost_usd > 5)`
both work. Imported only by the command that evaluates conditions: celpy is heavy.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import celpy
from celpy import celtypes
from celpy.evaluation import CELEvalError, CELUnsupportedError, base_functions

from claude_usage.errors import ClaudeUsageError

__all__ = [
    "Condition",
    "ConditionError",
    "ConditionEvalError",
    "ConditionSyntaxError",
    "ConditionTypeError",
    "compile_condition",
    "evaluate",
    "names",
]


class ConditionError(ClaudeUsageError):
    """A condition that cannot be used: `condition 'TEXT': PROBLEM`, then a caret under it."""

    def __init__(self, text: str, problem: str, snippet: str = "") -> None:
        self.summary = f"condition {text!r}: {problem}"
        super().__init__(self.summary + snippet)
        self.problem = problem
        self.snippet = snippet


class ConditionSyntaxError(ConditionError):
    """The expression does not parse: the message says what and where."""


class ConditionEvalError(ConditionError):
    """The expression failed on this report (e.g. a key not there yet)."""


class ConditionTypeError(ConditionError):
    """The expression gave something other than true or false."""


@dataclass(frozen=True)
class Condition:
    """A compiled expression and its source text."""

    text: str
    program: Any  # celpy.Runner


def _numbers_across_types(function: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    # celpy refuses `2 == 2.0`, `3 < x` for a double x and `100 - x`. CEL itself allows
    # comparing numbers across types (cel-spec's cross-type numeric comparisons), and a
    # user writing `< 50` or `< 50.0` means the same: an int meeting a double becomes one.
    def promoted(left: Any, right: Any) -> Any:
        if _is_int(left) and isinstance(right, celtypes.DoubleType):
            left = celtypes.DoubleType(left)
        elif isinstance(left, celtypes.DoubleType) and _is_int(right):
            right = celtypes.DoubleType(right)
        return function(left, right)

    promoted.__name__ = getattr(function, "__name__", "promoted")
    return promoted


def _is_int(value: Any) -> bool:
    return isinstance(value, celtypes.IntType | celtypes.UintType)


def _equal(left: Any, right: Any) -> Any:
    # CEL's equality is defined for every pair of values; celpy raises for a double
    # against null, and a JSON field is often null (`five_hour.used_percentage != null`).
    if left is None or right is None:
        if isinstance(left, CELEvalError) or isinstance(right, CELEvalError):
            return left if isinstance(left, CELEvalError) else right
        return celtypes.BoolType(left is None and right is None)
    return _promoted_eq(left, right)


def _not_equal(left: Any, right: Any) -> Any:
    result = _equal(left, right)
    return result if isinstance(result, CELEvalError) else celtypes.BoolType(not result)


def _in(item: Any, container: Any) -> Any:
    # `session_count in [1, 2]`: membership is equality, so numbers meet across types too.
    if isinstance(container, celtypes.ListType) and not isinstance(item, CELEvalError):
        return celtypes.BoolType(any(_same(item, member) for member in container))
    return base_functions["_in_"](item, container)


def _same(left: Any, right: Any) -> bool:
    try:
        result = _equal(left, right)
    except TypeError:  # values of two kinds (a string and a number) are simply not equal
        return False
    return isinstance(result, celtypes.BoolType) and bool(result)


_promoted_eq = _numbers_across_types(base_functions["_==_"])
_OPERATORS = {
    **{
        name: _numbers_across_types(base_functions[name])
        for name in ("_<_", "_<=_", "_>_", "_>=_", "_+_", "_-_", "_*_", "_/_")
    },
    "_==_": _equal,
    "_!=_": _not_equal,
    "_in_": _in,
}


def compile_condition(text: str) -> Condition:
    """The compiled expression, or ConditionSyntaxError naming the problem and its place."""
    environment = celpy.Environment()
    try:
        tree = environment.compile(text)
    except celpy.CELParseError as error:
        raise ConditionSyntaxError(text, *_syntax_message(text, error)) from None
    return Condition(text, environment.program(tree, functions=_OPERATORS))


def names(report_json: dict[str, Any]) -> dict[str, Any]:
    """The names an expression can use, as plain JSON values: the report's, then sources[0]'s."""
    sources = report_json.get("sources") or []
    freshest = sources[0] if sources and isinstance(sources[0], dict) else {}
    return {**freshest, **report_json}


def evaluate(condition: Condition, report_json: dict[str, Any]) -> bool:
    """Whether the condition holds for this report.

    Raises ConditionEvalError when it cannot be evaluated on this report, and
    ConditionTypeError when it gives something other than a boolean.
    """
    available = names(report_json)
    activation = {name: _to_cel(value) for name, value in available.items()}
    try:
        result = condition.program.evaluate(activation)
    except (CELEvalError, CELUnsupportedError) as error:
        raise ConditionEvalError(
            condition.text, *_eval_message(error, available, condition.text)
        ) from None
    if not isinstance(result, celtypes.BoolType):
        raise ConditionTypeError(
            condition.text,
            f"gives {_cel_text(result)}, not true or false: "
            "compare it, e.g. `five_hour.used_percentage < 50`",
        )
    return bool(result)


def _to_cel(value: Any) -> Any:
    # Every JSON number becomes a double, so a field is one type whether the writer
    # sent 44 or 44.5 (and `x / 2` never turns into integer division).
    if value is None or isinstance(value, bool):
        return None if value is None else celtypes.BoolType(value)
    if isinstance(value, int | float):
        try:
            return celtypes.DoubleType(float(value))
        except OverflowError:  # an integer beyond any double
            return celtypes.DoubleType(float("inf") if value > 0 else float("-inf"))
    if isinstance(value, str):
        return celtypes.StringType(value)
    if isinstance(value, dict):
        return celtypes.MapType({celtypes.StringType(k): _to_cel(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return celtypes.ListType([_to_cel(v) for v in value])
    raise TypeError(f"not a JSON value: {value!r}")


def _place(text: str, line: int | None, column: int | None) -> tuple[str, str]:
    """` at column C` (and line, for a multi-line expression), and the line with a caret."""
    if not line or not column:
        return "", ""
    lines = text.split("\n")
    where = f"line {line} column {column}" if len(lines) > 1 else f"column {column}"
    source = lines[line - 1] if line <= len(lines) else ""
    return f" at {where}", f":\n  {source}\n  {' ' * (column - 1)}^"


def _syntax_message(text: str, error: celpy.CELParseError) -> tuple[str, str]:
    cause = error.__context__  # the parser's own exception, which names the token
    token = getattr(cause, "token", None)
    char = getattr(cause, "char", None)
    line, column = error.line, error.column
    if token is not None and getattr(token, "type", None) == "$END":
        what = "the expression ends too early"
        lines = text.rstrip().split("\n")
        line, column = len(lines), len(lines[-1]) + 1  # just past the end, not at the last token
    elif token is not None:
        what = f"unexpected {str(token)!r}"
    elif char is not None:
        what = f"unexpected character {char!r}"
    else:
        what = "syntax error"
    if not text.strip():
        return "not valid CEL: the expression is empty", ""
    where, snippet = _place(text, line, column)
    return f"not valid CEL: {what}{where}", snippet


_OPERATOR_NAMES = {
    "relation_lt": "<",
    "relation_le": "<=",
    "relation_gt": ">",
    "relation_ge": ">=",
    "relation_eq": "==",
    "relation_ne": "!=",
    "relation_in": "in",
    "addition_add": "+",
    "addition_sub": "-",
    "multiplication_mul": "*",
    "multiplication_div": "/",
    "multiplication_mod": "%",
}
_TYPE_NAMES = {
    "NoneType": "null",
    "BoolType": "bool",
    "IntType": "int",
    "UintType": "uint",
    "DoubleType": "double",
    "StringType": "string",
    "BytesType": "bytes",
    "ListType": "list",
    "MapType": "map",
    "TimestampType": "timestamp",
    "DurationType": "duration",
}
_NO_OVERLOAD = re.compile(r"found no matching overload for (?:Token\('RULE', )?'(\w+)'")
_CLASS = re.compile(r"<class '(?:[\w.]+\.)?(\w+)'>")


def _eval_message(error: Exception, available: dict[str, Any], text: str) -> tuple[str, str]:
    message = str(error.args[0]) if error.args else type(error).__name__
    cause_args = error.args[2] if len(error.args) > 2 else ()
    if message.startswith("undeclared reference to") and cause_args:
        known = ", ".join(available) or "none: the report is empty"
        what = f"unknown name {cause_args[0]!r} (names: {known})"
    elif (overload := _NO_OVERLOAD.match(message)) is not None:
        operator = _OPERATOR_NAMES.get(overload.group(1), overload.group(1))
        types = [_TYPE_NAMES.get(name, name) for name in _CLASS.findall(message)]
        what = f"no operator {operator} for {' and '.join(types) or 'these values'}"
    elif message.endswith("does not support field selection"):
        kinds = [_TYPE_NAMES.get(name, name) for name in _CLASS.findall(message)]
        what = f"a field of {kinds[0] if kinds else 'a value'} that has no fields"
    elif len(error.args) > 1 and error.args[1] is IndexError:
        what = "a list index out of range"
    elif message.startswith("no such member in mapping"):
        what = message.replace("no such member in mapping", "no such key")
    else:
        what = _CLASS.sub(lambda m: _TYPE_NAMES.get(m.group(1), m.group(1)), message)
    where, snippet = _place(text, getattr(error, "line", None), getattr(error, "column", None))
    return f"{what}{where}", snippet


def _cel_text(value: Any) -> str:
    if value is None:
        return "null"
    kind = _TYPE_NAMES.get(type(value).__name__, type(value).__name__)
    return f"{kind} {value}" if kind in ("double", "int", "uint", "string") else kind
