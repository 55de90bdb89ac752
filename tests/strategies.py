"""Hypothesis strategies for Claude Code status-line payloads (CLAUDE_STATUSLINE.md §8.1).

Every optional object may be absent, null, `{}` or partly filled; numbers are ints,
floats with noise, numeric strings, over 100 or huge; strings carry unicode and control
characters; unknown keys appear at every level.
"""

from __future__ import annotations

import json

from hypothesis import strategies as st

ABSENT = object()

numbers = st.one_of(
    st.integers(min_value=-10, max_value=2**53),
    st.integers(min_value=2**63, max_value=2**80),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 0.0, 7.000000000000001, 99.99999999999999, 105, 112.0, 1e12, 1e-05]),
    st.sampled_from(["0.5", "1e-3", "50", " 0.5 ", "abc", ""]),
)
texts = st.text(
    alphabet=st.characters(codec="utf-8") | st.sampled_from(list('\t\n\r"\\\x00\x1b\u2028\u2029')),
    max_size=30,
)
unknown = st.dictionaries(
    st.text(min_size=1, max_size=8).map(lambda s: "x_" + s),
    st.one_of(st.none(), st.booleans(), numbers, texts),
    max_size=2,
)


def _maybe(value: st.SearchStrategy) -> st.SearchStrategy:
    """The value, or absent, null or an empty object."""
    return st.one_of(value, st.just(ABSENT), st.none(), st.just({}))


def _obj(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    """An object holding any subset of `fields`, plus unknown keys."""
    return st.fixed_dictionaries({k: _maybe(v) for k, v in fields.items()}).flatmap(
        lambda d: unknown.map(
            lambda extra: {**{k: v for k, v in d.items() if v is not ABSENT}, **extra}
        )
    )


window = _obj({"used_percentage": numbers, "resets_at": numbers})
payload_objects = _obj(
    {
        "session_id": st.one_of(st.uuids().map(str), texts, st.just("")),
        "transcript_path": texts,
        "cwd": texts,
        "version": st.sampled_from(["1.0.88", "2.1.226", "2.1.284"]),
        "model": _obj({"id": texts, "display_name": texts}),
        "workspace": _obj({"current_dir": texts, "project_dir": texts}),
        "cost": _obj(
            {
                "total_cost_usd": numbers,
                "total_duration_ms": numbers,
                "total_api_duration_ms": numbers,
                "total_lines_added": numbers,
                "total_lines_removed": numbers,
            }
        ),
        "context_window": _obj(
            {"used_percentage": numbers, "current_usage": _obj({"input_tokens": numbers})}
        ),
        "rate_limits": _obj({"five_hour": window, "seven_day": window, "spend_limit": window}),
        "prompt_cache": _obj({"hit_ratio": numbers}),
        "effort": _obj({"level": texts}),
        "vim": _obj({"mode": texts}),
        "agent": _obj({"name": texts}),
        "pr": _obj({"number": numbers}),
        "worktree": _obj({"name": texts}),
    }
)


def _encode(payload: object, pretty: bool, newline: str) -> bytes:
    text = json.dumps(payload, indent=2 if pretty else None, ensure_ascii=False)
    return (text + newline).encode("utf-8", "surrogatepass")


encoded_payloads = st.builds(
    _encode, payload_objects, st.booleans(), st.sampled_from(["", "\n", "\r\n"])
)
broken_stdin = st.one_of(
    st.just(b""),
    st.sampled_from([b"null", b"[]", b"42", b'"x"', b"{} {}", b"\xff\xfe{}", b'{"cost": {}']),
    encoded_payloads.map(lambda b: b[: len(b) // 2]),  # truncated
    st.binary(max_size=200),
)
stdin_bytes = st.one_of(encoded_payloads, encoded_payloads, broken_stdin)
