"""A session's quarter-hour shares, kept compact: the cache's base64 is decoded only when read.

A share is `[first_at, last_at, the five counters]` (sessions.py). A long-running fleet has
hundreds of thousands; as Python lists they would cost every cached report more memory and
time than the rest of what it loads, and only rollups by day and `watch` read them. In the
cache they are eight doubles each: the seven values (a null counter as NaN, which no counter
is) and which counters were ints, so they come back ints. A value that would not survive the
trip through a double (an int past 2**53) keeps the shares as JSON lists.
"""

from __future__ import annotations

import math
from array import array
from binascii import a2b_base64, b2a_base64
from collections.abc import Iterator
from typing import Any

_WIDTH = 8  # first_at, last_at, five counters, the counters that are ints
_EXACT = 2**53
_NAN = float("nan")


def _exact(value: Any) -> bool:
    return (
        value is None
        or (type(value) is float and math.isfinite(value))
        or (type(value) is int and -_EXACT <= value <= _EXACT)
    )


def _share(row: list[float]) -> list[Any]:
    ints = int(row[-1])
    counters = [None if v != v else int(v) if ints >> i & 1 else v for i, v in enumerate(row[2:-1])]
    return [int(row[0]), int(row[1]), *counters]


class BucketShares:
    """The closed shares of one session, oldest first."""

    __slots__ = ("_encoded", "_items", "_open")

    def __init__(self, items: list[list[Any]] | None = None, encoded: str = "") -> None:
        self._items = items if items is not None or encoded else []
        self._encoded = encoded
        self._open: list[list[Any]] = []  # the open stretch's share, in a `plus` view

    def plus(self, share: list[Any]) -> BucketShares:
        """These shares and one more, the open stretch's, without decoding them."""
        view = BucketShares(self._items, self._encoded)
        view._open = [share]
        return view

    def _decoded(self) -> list[list[Any]]:
        if self._items is None:
            flat = array("d", a2b_base64(self._encoded)).tolist()
            self._items = [_share(flat[i : i + _WIDTH]) for i in range(0, len(flat), _WIDTH)]
            self._encoded = ""
        return self._items

    def append(self, share: list[Any]) -> None:
        self._decoded().append(share)

    def __iter__(self) -> Iterator[list[Any]]:
        yield from self._decoded()
        yield from self._open

    def __len__(self) -> int:
        if self._items is None:
            return len(self._encoded) * 3 // 4 // (8 * _WIDTH) + len(self._open)
        return len(self._items) + len(self._open)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BucketShares | list):
            return NotImplemented
        return list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def to_state(self) -> str | list[list[Any]]:
        """base64 of the doubles, or the lists when a value is not exact as a double (the
        closed shares: a `plus` view's open one is the process's to keep)."""
        if self._items is None:
            return self._encoded
        flat = [v for share in self._items for v in share]
        if not all(map(_exact, flat)):
            return self._items
        doubles = array("d")
        for first_at, last_at, *counters in self._items:
            ints = sum(1 << i for i, v in enumerate(counters) if type(v) is int)
            doubles.extend((first_at, last_at, *(_NAN if v is None else v for v in counters)))
            doubles.append(ints)
        return b2a_base64(doubles.tobytes(), newline=False).decode()

    @classmethod
    def from_state(cls, state: str | list[list[Any]]) -> BucketShares:
        """The inverse of `to_state`."""
        if type(state) is str:
            return cls(None, state) if state else cls()
        return cls(state)  # type: ignore[arg-type]
