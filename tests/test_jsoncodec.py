"""The `_json`-based codec agrees with the `json` package, and its fallback works."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claude_usage.shim.jsoncodec import dumps, loads

finite_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(finite_json)
def test_dumps_is_compact_ascii_json(value: object) -> None:
    text = dumps(value)
    assert text == json.dumps(value, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    assert text.isascii() and "\n" not in text


@given(finite_json)
def test_loads_inverts_dumps(value: object) -> None:
    assert loads(dumps(value)) == value


@given(finite_json, st.sampled_from(["", " ", "\n", "\t\r\n "]))
def test_loads_accepts_surrounding_whitespace(value: object, space: str) -> None:
    assert loads(space + json.dumps(value) + space) == value


@pytest.mark.parametrize(
    "text", ["", " ", "{", "{} {}", "[1,]", "nul", '"\x01"', "[" * 100_000, "{'a': 1}", "\ufeff{}"]
)
def test_loads_rejects_anything_but_one_document(text: str) -> None:
    with pytest.raises(ValueError):
        loads(text)


def test_non_finite_constants_become_null() -> None:
    assert loads('{"a": NaN, "b": [Infinity, -Infinity]}') == {"a": None, "b": [None, None]}


def test_dumps_refuses_non_finite_floats() -> None:
    with pytest.raises(ValueError):
        dumps({"a": math.inf})


def test_fallback_without_the_c_module_behaves_the_same() -> None:
    code = (
        "import sys; sys.modules['_json'] = None\n"
        "from claude_usage.shim.jsoncodec import loads, dumps, _json\n"
        "assert _json is None\n"
        'v = loads(\' {"a": [1, 2.5, NaN, "\\u00e9"]} \')\n'
        "print(dumps(v))\n"
        "try:\n    loads('{} {}')\nexcept ValueError:\n    print('rejected')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ['{"a":[1,2.5,null,"\\u00e9"]}', "rejected"]
