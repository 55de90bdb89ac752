"""Bucket shares through the cache: compact, exact for real counters, decoded only when read."""

from __future__ import annotations

import sys

import orjson
from hypothesis import given
from hypothesis import strategies as st

from claude_usage.reader.shares import BucketShares


def shares_of(rows: list[list]) -> BucketShares:
    out = BucketShares()
    for row in rows:
        out.append(row)
    return out


counter = st.one_of(st.none(), st.floats(0, 1e12, allow_nan=False), st.integers(0, 2**53))
share = st.tuples(st.integers(0, 2**40), st.integers(0, 2**40), *[counter] * 5).map(list)


@given(st.lists(share, max_size=20))
def test_shares_round_trip_through_the_cache_json(shares: list[list]) -> None:
    stored = orjson.loads(orjson.dumps(shares_of(shares).to_state()))
    back = BucketShares.from_state(stored)
    assert list(back) == shares and len(back) == len(shares)  # equal values (1 == 1.0)
    assert [v is None for row in back for v in row] == [v is None for row in shares for v in row]
    assert all(type(row[0]) is int and type(row[1]) is int for row in back)  # times stay ints
    back.append([1, 2, 0.5, None, None, None, 7])  # decoded to take one more
    again = BucketShares.from_state(back.to_state())
    assert list(again) == [*shares, [1, 2, 0.5, None, None, None, 7]]


def test_the_cache_keeps_them_as_base64_until_read() -> None:
    shares = shares_of([[900, 1000, 0.25, 40, None, 3, 0]])
    encoded = shares.to_state()
    assert isinstance(encoded, str) and len(encoded) == 76  # seven doubles, 56 bytes
    stored = BucketShares.from_state(encoded)
    assert stored.to_state() == encoded
    assert list(stored) == [[900, 1000, 0.25, 40, None, 3, 0]]


def test_a_counter_beyond_any_double_is_the_largest_one() -> None:
    got = list(shares_of([[0, 1, 1.0, 2**1100, None, 2**60 + 1, 1]]))
    assert got == [[0, 1, 1.0, sys.float_info.max, None, float(2**60), 1]]


def test_the_open_share_is_seen_but_not_stored() -> None:
    closed = BucketShares.from_state(shares_of([[0, 10, 1.0, 1, 1, 1, 1]]).to_state())
    view = closed.plus([900, 950, 0.5, None, None, None, None])
    assert len(view) == 2
    assert view == [[0, 10, 1.0, 1, 1, 1, 1], [900, 950, 0.5, None, None, None, None]]
    assert list(closed) == [[0, 10, 1.0, 1, 1, 1, 1]]
    assert BucketShares.from_state(view.to_state()) == closed
    assert BucketShares.from_state("") == [] and BucketShares() == []
