"""A session's quarter-hour shares, kept flat: one list per session, rows only when read.

A share is `[first_at, last_at, the five counters]` (sessions.py). A fleet has hundreds of
thousands, and only rollups by day and `watch` read them. As a list each, they would cost
every report a container per share for the garbage collector to walk, so a session keeps
one flat list of their values. The cache stores that list as a JSON string inside its
JSON, so loading the cache parses it as one string, and the values are parsed (by orjson,
in C) only when something adds to or reads the shares.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

_WIDTH = 7  # first_at, last_at, the five counters


class BucketShares:
    """The closed shares of one session, oldest first."""

    __slots__ = ("_encoded", "_flat", "_open")

    def __init__(self) -> None:
        self._encoded = ""  # the cache's JSON of the flat values, until they are needed
        self._flat: list[Any] = []
        self._open: list[list[Any]] = []  # the open stretch's share, in a `plus` view

    def _values(self) -> list[Any]:
        if self._encoded:
            self._flat, self._encoded = orjson.loads(self._encoded), ""
        return self._flat

    def append(self, share: list[Any]) -> None:
        """One more closed share."""
        self._values().extend(share)

    def add_share(self, first_at: int, last_at: int, counters: list[Any]) -> None:
        """One more closed share, given in its parts."""
        flat = self._values()
        flat.append(first_at)
        flat.append(last_at)
        flat += counters

    def plus(self, share: list[Any]) -> BucketShares:
        """These shares and one more, the open stretch's, without decoding them."""
        view = BucketShares()
        view._encoded, view._flat, view._open = self._encoded, self._flat, [share]
        return view

    def __iter__(self) -> Iterator[list[Any]]:
        flat = self._values()
        for i in range(0, len(flat), _WIDTH):
            yield flat[i : i + _WIDTH]
        yield from self._open

    def __len__(self) -> int:
        return len(self._values()) // _WIDTH + len(self._open)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BucketShares | list):
            return NotImplemented
        return list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def to_state(self) -> str | list[Any]:
        """The closed shares' values as JSON (a `plus` view's open share is the process's
        to keep)."""
        if self._encoded:
            return self._encoded
        try:
            return orjson.dumps(self._flat).decode()
        except TypeError:  # an int beyond 64 bits: as a list, which the cache then refuses
            return self._flat

    @classmethod
    def from_state(cls, state: str | list[Any]) -> BucketShares:
        """The inverse of `to_state`."""
        shares = cls()
        if type(state) is str:
            shares._encoded = state if state != "[]" else ""
        else:
            shares._flat = state  # type: ignore[assignment]
        return shares
