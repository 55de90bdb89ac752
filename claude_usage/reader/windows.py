"""Rate-limit windows and pace (SPEC §7). Pure.

Usage within one window only grows, but an idle session re-renders its old reading with a
fresh timestamp, so "newest event wins" can go backwards. The reading that counts is the
one with the latest `resets_at` and, among those, the highest `used_percentage`. Both
rules are order-free, so pools from many files merge in any order.

Each pool also keeps its step series for `history.py`: a step `[at, resets_at, used]` for
every reading that may change what the best reading is at some time, that is every new
best and every reading made before the current best was first seen (only out-of-order
readings are). A reading made no earlier than the best and no better than it changes
nothing at any time, so in time order the series grows only when use goes up or a new
window starts, not per event. The steps are kept flat in an array of doubles, ranked as
the pool compares them (a null `resets_at` as -1, a null use as -inf): a busy host has
hundreds of thousands, which as Python lists would cost a cached report more than all the
rest of what it loads. From the cache they stay base64 (a step is 24 bytes, so chunks of
whole steps join without padding) until something reads or adds to them: a report that
charts nothing never decodes them.
"""

from __future__ import annotations

import sys
from array import array
from binascii import a2b_base64, b2a_base64
from typing import Any

from claude_usage.reader.parse import as_number

_MIN_PACE_SPAN = 60.0  # seconds of readings before a burn rate means anything
_NEG_INF = float("-inf")
_MAX = sys.float_info.max
_TIMES = ("best_at", "first_at", "last_at", "updated_at")  # -inf until read, None in state
_MERGED_SLOTS = ("resets_at", "used", "best", "best_at", "first_at", "first_used", "last_at")


class WindowPool:
    """The best reading of one window (of one account), with what pace needs."""

    __slots__ = (
        "_steps",
        "best",
        "best_at",
        "first_at",
        "first_used",
        "key",
        "last_at",
        "resets_at",
        "updated_at",
        "used",
    )

    def __init__(self, key: str) -> None:
        self.key = key
        self.resets_at: float | None = None
        self.used: float | None = None
        self.best: dict[str, Any] = {}  # the reading that counts, as written
        # Readings of the current window (same resets_at): earliest and latest.
        self.first_at = _NEG_INF
        self.first_used: float | None = None
        self.last_at = _NEG_INF
        self.updated_at = _NEG_INF  # newest reading of this window key at all
        self.best_at = _NEG_INF  # when the best reading was first made
        # at, resets_at, used of each step, in the order taken; or base64 chunks of them
        self._steps: array[float] | list[str] = array("d")

    def add(self, at: int, window: dict[str, Any]) -> tuple[Any, Any]:
        """Take one reading of this window, made at `at`; return its (resets_at, used)."""
        resets_at, used = window.get("resets_at"), window.get("used_percentage")
        # Most readings are whole non-negative numbers; as_number for anything else.
        if type(resets_at) is not int or resets_at < 0:
            resets_at = as_number(resets_at)
        if type(used) is not int or used < 0:
            used = as_number(used)
        if at > self.updated_at:
            self.updated_at = at
        mine = -1 if self.resets_at is None else self.resets_at
        theirs = -1 if resets_at is None else resets_at
        if theirs > mine or self.first_at == _NEG_INF:
            self.resets_at, self.used, self.best = resets_at, used, window
            self.first_at = self.last_at = self.best_at = at
            self.first_used = used
            self.add_step(at, resets_at, used)
        elif theirs == mine:
            if used is not None and (self.used is None or used > self.used):
                self.used, self.best, self.best_at = used, window, at
                # add_step, inline: a window filling up takes this branch every reading.
                steps = self._steps if type(self._steps) is not list else self.steps
                steps.extend((at, min(theirs, _MAX), min(used, _MAX)))  # type: ignore[union-attr]
            self.seen_again(at, resets_at, used)
        elif at < self.best_at:
            self.add_step(at, resets_at, used)  # an older window, read out of order
        return resets_at, used

    def seen_again(self, at: int, resets_at: Any, used: Any) -> None:
        """A reading equal to one already taken, made again at `at` (a re-render)."""
        if at > self.updated_at:
            self.updated_at = at
        if at < self.best_at:  # out of order: it may be the best at times before the best
            self.add_step(at, resets_at, used)
            if resets_at == self.resets_at and used == self.used:
                self.best_at = at
        if resets_at != self.resets_at:
            return
        if at < self.first_at:
            self.first_at, self.first_used = at, used
        elif at > self.last_at:
            self.last_at = at

    @property
    def steps(self) -> array[float]:
        """The step series, flat: at, resets_at rank, use rank of each step."""
        if type(self._steps) is list:
            self._steps = array("d", a2b_base64("".join(self._steps)))
        return self._steps  # type: ignore[return-value]

    def add_step(self, at: float, resets_at: float | None, used: float | None) -> None:
        """Record a step of the series (history.py reads them)."""
        steps = self._steps
        if type(steps) is list:
            steps = self.steps  # decoded
        # min(): an int beyond a double's range (a hostile file's) would not fit the array.
        rank = -1 if resets_at is None else min(resets_at, _MAX)
        steps.extend((at, rank, _NEG_INF if used is None else min(used, _MAX)))  # type: ignore[union-attr]

    def merge(self, other: WindowPool) -> None:
        """Fold in a pool of the same window from other files."""
        if other.first_at == _NEG_INF:
            return
        self.updated_at = max(self.updated_at, other.updated_at)
        if type(self._steps) is list and type(other._steps) is list:
            self._steps.extend(other._steps)  # both still as the cache had them
        else:
            self.steps.extend(other.steps)  # in place: a new array per merge grows quadratically
        mine = -1.0 if self.resets_at is None else self.resets_at
        theirs = -1.0 if other.resets_at is None else other.resets_at
        if theirs > mine or self.first_at == _NEG_INF:
            for name in _MERGED_SLOTS:
                setattr(self, name, getattr(other, name))
            return
        if theirs < mine:
            return
        if other.used is not None and (self.used is None or other.used > self.used):
            self.used, self.best, self.best_at = other.used, other.best, other.best_at
        elif other.used == self.used:
            self.best_at = min(self.best_at, other.best_at)
        if other.first_at < self.first_at:
            self.first_at, self.first_used = other.first_at, other.first_used
        self.last_at = max(self.last_at, other.last_at)

    @property
    def label(self) -> str | None:
        label = self.best.get("label")
        return label if isinstance(label, str) and label else None

    @property
    def window_seconds(self) -> int | None:
        seconds = as_number(self.best.get("window_seconds"))
        return int(seconds) if seconds else None

    @property
    def status(self) -> str | None:
        status = self.best.get("status")
        return status if isinstance(status, str) else None

    @property
    def is_using_overage(self) -> bool | None:
        overage = self.best.get("is_using_overage")
        return overage if isinstance(overage, bool) else None

    def to_state(self) -> list[Any]:
        """A JSON-able snapshot, for the incremental cache (the steps as base64)."""
        state = []
        for name in self.__slots__:
            value = getattr(self, name)
            if name == "_steps":
                value = (
                    "".join(value)
                    if type(value) is list
                    else b2a_base64(value.tobytes(), newline=False).decode()
                )
            state.append(None if value == _NEG_INF else value)
        return state

    @classmethod
    def from_state(cls, state: list[Any]) -> WindowPool:
        """The inverse of `to_state`."""
        pool = cls("")
        for name, value in zip(cls.__slots__, state, strict=True):
            if name == "_steps":
                value = [value] if value else array("d")
            setattr(pool, name, _NEG_INF if value is None and name in _TIMES else value)
        return pool


def pace(pool: WindowPool) -> tuple[float | None, float | None]:
    """(burn rate in % per hour, when the window reaches 100 % if before it resets).

    From the window's own readings: the rise from its earliest reading to its highest,
    over the time from the earliest reading to the latest.
    """
    span = pool.last_at - pool.first_at
    if pool.used is None or pool.first_used is None or span < _MIN_PACE_SPAN:
        return None, None
    rate = max(0.0, (pool.used - pool.first_used) / span * 3600)
    if rate <= 0 or pool.used >= 100:
        return rate, None
    full_at = pool.last_at + (100 - pool.used) / rate * 3600
    if pool.resets_at is not None and full_at >= pool.resets_at:
        return rate, None
    return rate, full_at


def window_fields(pool: WindowPool, now: float) -> dict[str, Any]:
    """A window's JSON fields: upstream's, in upstream's order, then ours."""
    resets_at = pool.resets_at
    seconds = pool.window_seconds
    until = None if resets_at is None else max(0, int(resets_at - now))
    elapsed = None
    elapsed_pct = None
    if resets_at is not None and seconds:
        elapsed = max(0, seconds - until)  # type: ignore[operator]
        elapsed_pct = min(100.0, elapsed / seconds * 100)
    rate, full_at = pace(pool)
    return {
        # A float, as upstream prints it (73 -> 73.0).
        "used_percentage": None if pool.used is None else float(pool.used),
        "resets_at": None if resets_at is None else int(resets_at),
        "window_seconds": seconds,
        "label": pool.label,
        "status": pool.status,
        "is_using_overage": pool.is_using_overage,
        "seconds_until_reset": until,
        "elapsed_seconds": elapsed,
        "elapsed_percentage": elapsed_pct,
        "is_present": pool.used is not None or resets_at is not None,
        "burn_rate_per_hour": rate,
        "projected_full_at": None if full_at is None else int(full_at),
    }
