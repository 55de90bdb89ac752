"""A session's quarter-hour shares, kept compact: one array of doubles, rows only when read.

A share is `[first_at, last_at, the five counters]` (sessions.py). A fleet has hundreds of
thousands, and only rollups by day and `watch` read them, so a session keeps their values
in one array of doubles (a null counter as NaN, which no counter is): 56 bytes a share,
where lists of Python numbers took about 190. The cache stores the array's bytes as
base64, decoded only when something adds to or reads the shares. Times come back as ints
and counters as floats, the open stretch's share too (`plus`), so dollars are floats in
every rollup row and the JSON writes whole durations and line counts as integers. An int
past 2**53 (no real counter) comes back rounded to the nearest double, one past any
double as the largest.
"""

from __future__ import annotations

import sys
from array import array
from binascii import a2b_base64, b2a_base64
from collections.abc import Iterator
from typing import Any

_WIDTH = 7  # first_at, last_at, the five counters
_NAN = float("nan")
_MAX = sys.float_info.max


def _double(value: Any) -> float:
    if value is None:
        return _NAN
    try:
        return float(value)
    except OverflowError:  # an int beyond any double (a hostile file's): the largest one
        return _MAX if value > 0 else -_MAX


def _row(values: list[float]) -> list[Any]:
    # A share's doubles as the shares are read: times as ints, NaN as a null counter.
    return [int(values[0]), int(values[1]), *(None if v != v else v for v in values[2:])]


class BucketShares:
    """The closed shares of one session, oldest first."""

    __slots__ = ("_doubles", "_encoded", "_open")

    def __init__(self) -> None:
        self._encoded = ""  # the cache's base64 of the doubles, until they are needed
        self._doubles = array("d")
        self._open: list[list[Any]] = []  # the open stretch's share, in a `plus` view

    def _values(self) -> array[float]:
        if self._encoded:
            self._doubles, self._encoded = array("d", a2b_base64(self._encoded)), ""
        return self._doubles

    def add_share(self, first_at: int, last_at: int, counters: list[Any]) -> None:
        """One more closed share, given in its parts."""
        doubles = self._values()
        start = len(doubles)
        try:
            doubles.append(first_at)
            doubles.append(last_at)
            doubles.extend(counters)
        except (TypeError, OverflowError):  # a null, or a huge int: the array took a part
            del doubles[start:]
            doubles.extend(map(_double, (first_at, last_at, *counters)))

    def append(self, share: list[Any]) -> None:
        """One more closed share."""
        self.add_share(share[0], share[1], share[2:])

    def plus(self, share: list[Any]) -> BucketShares:
        """These shares and one more, the open stretch's, without decoding them; the open
        one reads back as a stored one would (floats), so every share looks alike."""
        view = BucketShares()
        view._encoded, view._doubles = self._encoded, self._doubles
        view._open = [_row(list(map(_double, share)))]
        return view

    def __iter__(self) -> Iterator[list[Any]]:
        flat = self._values().tolist()
        for i in range(0, len(flat), _WIDTH):
            yield _row(flat[i : i + _WIDTH])
        yield from self._open

    def __len__(self) -> int:
        return len(self._values()) // _WIDTH + len(self._open)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BucketShares | list):
            return NotImplemented
        return list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def to_state(self) -> str:
        """The closed shares as base64 (a `plus` view's open share is the process's)."""
        return self._encoded or b2a_base64(self._doubles.tobytes(), newline=False).decode()

    @classmethod
    def from_state(cls, state: str) -> BucketShares:
        """The inverse of `to_state`."""
        shares = cls()
        shares._encoded = state
        return shares
