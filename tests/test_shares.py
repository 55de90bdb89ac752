"""Bucket shares through the cache: compact, exact, decoded only when read."""

from __future__ import annotations

import orjson
from hypothesis import given
from hypothesis import strategies as st

from claude_usage.reader.shares import BucketShares


def shares_of(rows: list[list]) -> BucketShares:
    out = BucketShares()
    for row in rows:
        out.append(row)
    return out


counter = st.one_of(
    st.none(),
    st.floats(0, 1e12, allow_nan=False),
    st.integers(0, 2**53),
    st.integers(2**53 + 1, 2**63),  # past a double's exact ints
)
share = st.tuples(st.integers(0, 2**40), st.integers(0, 2**40), *[counter] * 5).map(list)


@given(st.lists(share, max_size=20))
def test_shares_round_trip_through_the_cache_json(shares: list[list]) -> None:
    stored = orjson.loads(orjson.dumps(shares_of(shares).to_state()))
    back = BucketShares.from_state(stored)
    assert list(back) == shares and len(back) == len(shares)
    assert [type(v) for row in back for v in row] == [type(v) for row in shares for v in row]
    back.append([1, 2, 0.5, None, None, None, 7])  # decoded to take one more
    assert list(BucketShares.from_state(back.to_state())) == [
        *shares,
        [1, 2, 0.5, None, None, None, 7],
    ]


def test_exact_doubles_are_stored_as_base64_and_stay_so_until_read() -> None:
    shares = shares_of([[900, 1000, 0.25, 40, None, 3, 0]])
    encoded = shares.to_state()
    assert encoded == "[900,1000,0.25,40,null,3,0]"
    stored = BucketShares.from_state(encoded)
    assert stored.to_state() == encoded and len(stored) == 1  # not decoded to say so
    assert list(stored) == [[900, 1000, 0.25, 40, None, 3, 0]]


def test_an_int_past_64_bits_is_a_list_the_cache_refuses() -> None:
    state = shares_of([[0, 1, 1.0, 2**64, None, None, None]]).to_state()
    assert state == [0, 1, 1.0, 2**64, None, None, None]
    assert list(BucketShares.from_state(state)) == [[0, 1, 1.0, 2**64, None, None, None]]


def test_the_open_share_is_seen_but_not_stored() -> None:
    closed = BucketShares.from_state(shares_of([[0, 10, 1.0, 1, 1, 1, 1]]).to_state())
    view = closed.plus([900, 950, 0.5, None, None, None, None])
    assert len(view) == 2 and view == [
        [0, 10, 1.0, 1, 1, 1, 1],
        [900, 950, 0.5, None, None, None, None],
    ]
    assert list(closed) == [[0, 10, 1.0, 1, 1, 1, 1]]
    assert BucketShares.from_state(view.to_state()) == closed
    assert BucketShares.from_state("") == [] and BucketShares() == []
