"""Durations in and out, as upstream writes and reads them. Pure."""

from __future__ import annotations

import itertools
import re

_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
_FRACTION = re.compile(r"(\d*\.\d+|\d+)([dhms]?)")


class DurationError(ValueError):
    """Not a duration: shown to the user as is."""


def parse_duration(text: str) -> int:
    """Seconds from `90`, `30s`, `5m`, `1h30m`, `2d` (units in that order); must be > 0."""
    text = text.strip()
    if text.isdigit():
        seconds = int(text)
    else:
        match = _DURATION.fullmatch(text)
        if not text or match is None:
            raise DurationError(
                f"invalid duration {text!r}: use seconds (90) or d/h/m/s in that order (1h30m, 2d)"
            )
        counts = zip(match.groups(), _UNITS, strict=True)
        seconds = sum(int(n) * size for n, (_, size) in counts if n)
    if seconds <= 0:
        raise DurationError(f"invalid duration {text!r}: it must be longer than 0 seconds")
    return seconds


def parse_seconds(text: str) -> float:
    """Like `parse_duration`, and also one decimal number with a unit: `0.5`, `0.5s`, `1.5m`.

    For polling intervals and timeouts; `--since` keeps whole seconds.
    """
    match = _FRACTION.fullmatch(text.strip())
    if match is None:
        return float(parse_duration(text))
    number, unit = match.groups()
    seconds = float(number) * dict(_UNITS)[unit or "s"]
    if seconds <= 0:
        raise DurationError(f"invalid duration {text.strip()!r}: it must be longer than 0 seconds")
    return seconds


def format_seconds(seconds: float) -> str:
    """`format_duration` for whole seconds; a fraction as seconds (`0.5s`, `1.5s`)."""
    if seconds > 0 and not float(seconds).is_integer():
        return f"{seconds:g}s"
    return format_duration(seconds)


def format_duration(seconds: float) -> str:
    """A unit and the next one down: `4d 4h`, `1d`, `2h 2m`, `2m 5s`, `45s`; `now` if <= 0."""
    seconds = int(seconds)
    if seconds <= 0:
        return "now"
    for (unit, size), (next_unit, next_size) in itertools.pairwise(_UNITS):
        if seconds >= size:
            count, rest = divmod(seconds, size)
            below = rest // next_size
            return f"{count}{unit} {below}{next_unit}" if below else f"{count}{unit}"
    return f"{seconds}s"


def format_age(seconds: float) -> str:
    """`just now` up to a second, else `<duration> ago`."""
    return "just now" if seconds <= 1 else f"{format_duration(seconds)} ago"
