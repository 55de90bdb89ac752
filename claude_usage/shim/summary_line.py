"""The built-in status line, for agents without a command of their own (SPEC §5).

`Opus 4.5 · $1.23 · 5h 44% · 7d 13%`: whatever parts the payload has, in that order.
"""

_SEPARATOR = " \u00b7 "
_WINDOWS = (("five_hour", "5h"), ("seven_day", "7d"))
_MAX_NAME = 60


def _number(value: "object") -> "object":
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value) if not isinstance(value, float) else value
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
    else:
        return None
    return number if number - number == 0.0 else None  # drops NaN and infinities


def _clean(text: "str") -> "str":
    # One row of plain text: no control characters, no escape sequences, no line breaks.
    kept = "".join(
        ch for ch in text if ch >= " " and not ("\x7f" <= ch <= "\x9f") and ch not in "\u2028\u2029"
    )
    return kept.strip()[:_MAX_NAME]


def _fixed(number: "float", decimals: "int") -> "str":
    # Absurd magnitudes (fuzzed input) would print hundreds of digits.
    return "%.3g" % number if abs(number) >= 1e9 else "%.*f" % (decimals, number)


def _get(obj: "object", key: "str") -> "object":
    return obj.get(key) if isinstance(obj, dict) else None


def summary_line(payload: "object") -> "str":
    """Model, session cost and the 5h/7d used percentages; empty if the payload has none."""
    parts = []
    model = _get(payload, "model")
    for key in ("display_name", "id"):
        name = _get(model, key)
        if isinstance(name, str) and _clean(name):
            parts.append(_clean(name))
            break
    cost = _number(_get(_get(payload, "cost"), "total_cost_usd"))
    if cost is not None:
        parts.append("$" + _fixed(cost, 2))
    rate_limits = _get(payload, "rate_limits")
    for key, label in _WINDOWS:
        used = _number(_get(_get(rate_limits, key), "used_percentage"))
        if used is not None:
            parts.append("%s %s%%" % (label, _fixed(used, 0)))
    return _SEPARATOR.join(parts)
