"""The settings rules (SPEC §6.2-6.6): pure functions, one named case per rule."""

from __future__ import annotations

import json
import shlex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claude_usage.provision.settings import (
    SettingsError,
    is_shim_command,
    merge_status_line,
    parse_settings,
    restore_status_line,
    shim_command,
    user_status_line,
)
from claude_usage.shim.command import LAUNCHER

OURS = shim_command("python3", "/h/.mngr/commands/claude_usage.pyz")
UPSTREAM = "/h/.mngr/commands/claude_statusline.sh"


def status(command: str, **extra: object) -> str:
    return json.dumps({"statusLine": {"type": "command", "command": command, **extra}})


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        pytest.param(OURS, True, id="ours-launcher"),
        pytest.param("python3 /x/claude_usage.pyz statusline", True, id="ours-plain"),
        pytest.param(
            shim_command("/p y/py", "/a b/claude_usage.pyz", "/s'd"), True, id="ours-quoted"
        ),
        pytest.param(UPSTREAM, True, id="upstream"),
        pytest.param("bash '/my host/commands/claude_statusline.sh'", True, id="upstream-quoted"),
        pytest.param("~/.claude/statusline.sh", False, id="users-script"),
        pytest.param("echo claude_usage.pyz", False, id="zipapp-name-without-verb"),
        pytest.param("cat statusline.txt", False, id="verb-without-zipapp"),
        pytest.param("/x/claude_statusline.sh", False, id="upstream-name-outside-commands"),
    ],
)
def test_is_shim_command(command: str, expected: bool) -> None:
    assert is_shim_command(command) is expected


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        pytest.param(
            [("local", status("A")), ("shared", status("B")), ("user", status("C"))],
            "A",
            id="local-wins",
        ),
        pytest.param(
            [("local", None), ("shared", status("B")), ("user", status("C"))], "B", id="shared-next"
        ),
        pytest.param(
            [("local", "{}"), ("shared", None), ("user", status("C"))], "C", id="user-level-chained"
        ),
        pytest.param(
            [("local", status(OURS)), ("shared", status("B"))], "B", id="our-shim-skipped"
        ),
        pytest.param(
            [("local", status(UPSTREAM)), ("user", status("C"))], "C", id="upstream-shim-skipped"
        ),
        pytest.param(
            [("local", status("  ")), ("shared", status("B"))], "B", id="blank-command-skipped"
        ),
        pytest.param(
            [("local", '{"statusLine": "echo"}'), ("shared", status("B"))], "B", id="not-an-object"
        ),
        pytest.param(
            [("local", status(" echo 'a b' ")), ("shared", None)], " echo 'a b' ", id="verbatim"
        ),
        pytest.param(
            [("local", None), ("shared", "  \n"), ("user", None)], None, id="none-anywhere"
        ),
        pytest.param([("local", status(OURS)), ("user", status(UPSTREAM))], None, id="only-shims"),
    ],
)
def test_user_status_line_by_precedence(sources: list, expected: str | None) -> None:
    found = user_status_line(sources)
    assert (found and found["command"]) == expected


def test_user_status_line_keeps_its_other_keys() -> None:
    found = user_status_line([("user", status("C", padding=2, refreshInterval=5))])
    assert found == {"type": "command", "command": "C", "padding": 2, "refreshInterval": 5}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param('{"model": "opus",', "not valid JSON (Expecting", id="malformed"),
        pytest.param('[{"statusLine": {}}]', "a JSON array, not an object", id="array"),
        pytest.param('"echo hi"', "a JSON string, not an object", id="string"),
        pytest.param("42", "a JSON number, not an object", id="number"),
        pytest.param("null", "a JSON null, not an object", id="null"),
        pytest.param("\ufeff{}", "not valid JSON", id="byte-order-mark"),
    ],
)
def test_a_settings_file_that_is_not_an_object_is_refused(text: str, problem: str) -> None:
    with pytest.raises(SettingsError) as raised:
        merge_status_line(text, "/w/.claude/settings.local.json", OURS)
    message = str(raised.value)
    assert message.startswith("/w/.claude/settings.local.json ")
    assert problem in message and "left as it is" in message


@pytest.mark.parametrize("text", [None, "", "  \n"], ids=["missing", "empty", "blank"])
def test_missing_or_blank_settings_are_empty(text: str | None) -> None:
    assert parse_settings(text, "f") == {}
    assert json.loads(merge_status_line(text, "f", OURS)) == {
        "statusLine": {"type": "command", "command": OURS}
    }


@pytest.mark.parametrize(
    ("text", "user", "expected"),
    [
        pytest.param(
            '{"model": "opus", "env": {"A": "1"}}',
            None,
            {
                "model": "opus",
                "env": {"A": "1"},
                "statusLine": {"type": "command", "command": OURS},
            },
            id="other-keys-kept-in-order",
        ),
        pytest.param(
            '{"statusLine": {"type": "command", "command": "mine", "padding": 0}, "z": 1}',
            {"type": "command", "command": "mine", "padding": 0},
            {"statusLine": {"type": "command", "command": OURS, "padding": 0}, "z": 1},
            id="padding-kept-in-place",
        ),
        pytest.param(
            "{}",
            {"type": "command", "command": "C", "padding": 2, "refreshInterval": 5},
            {
                "statusLine": {
                    "type": "command",
                    "command": OURS,
                    "padding": 2,
                    "refreshInterval": 5,
                }
            },
            id="user-level-extras-carried",
        ),
        pytest.param(
            '{"statusLine": {"command": "old", "padding": 1}}',
            {"type": "command", "command": "C", "padding": 3},
            {"statusLine": {"command": OURS, "padding": 1, "type": "command"}},
            id="file-extras-win",
        ),
        pytest.param(
            '{"statusLine": "broken", "x": "é"}',
            None,
            {"statusLine": {"type": "command", "command": OURS}, "x": "é"},
            id="non-object-status-line-replaced",
        ),
    ],
)
def test_merge_status_line(text: str, user: dict | None, expected: dict) -> None:
    merged = merge_status_line(text, "f", OURS, user)
    assert json.loads(merged) == expected
    assert list(json.loads(merged)) == list(expected)
    assert merged.endswith("\n") and ("é" not in text or "é" in merged)


def test_merging_an_already_merged_file_returns_the_same_text() -> None:
    text = f'{{"statusLine":{{"type":"command","command":{json.dumps(OURS)}}},"a":1}}'
    assert merge_status_line(text, "f", OURS) is text


def test_a_second_agent_in_the_same_work_dir_does_not_chain_the_first() -> None:
    first = merge_status_line(status("mine"), "local", OURS, {"command": "mine"})
    # The second agent sees our line in settings.local.json: the user's is further down.
    assert user_status_line([("local", first), ("shared", None), ("user", None)]) is None
    assert user_status_line([("local", first), ("shared", status("B"))])["command"] == "B"


@pytest.mark.parametrize(
    ("text", "original", "expected"),
    [
        pytest.param(
            status(OURS, padding=1),
            {"type": "command", "command": "mine", "padding": 1},
            {"statusLine": {"type": "command", "command": "mine", "padding": 1}},
            id="users-line-back",
        ),
        pytest.param(
            json.dumps({"a": 1, "statusLine": {"type": "command", "command": OURS}, "b": 2}),
            None,
            {"a": 1, "b": 2},
            id="removed-when-there-was-none",
        ),
        pytest.param(
            status("mine"),
            None,
            {"statusLine": {"type": "command", "command": "mine"}},
            id="not-ours-untouched",
        ),
    ],
)
def test_restore_status_line(text: str, original: dict | None, expected: dict) -> None:
    assert json.loads(restore_status_line(text, "f", original)) == expected


@pytest.mark.parametrize(
    ("python", "zipapp", "state_dir"),
    [
        pytest.param("python3", "/h/.mngr/commands/claude_usage.pyz", None, id="mngr"),
        pytest.param(
            "/usr/bin/python3", "/home/a b/claude_usage.pyz", "/home/a b/agents/x", id="spaces"
        ),
        pytest.param(
            "/opt/py's/python3", '/h/"q"/claude_usage.pyz', "/s/$HOME/`x`", id="quotes-and-sh"
        ),
    ],
)
def test_shim_command_survives_sh_quoting(python: str, zipapp: str, state_dir: str | None) -> None:
    command = shim_command(python, zipapp, state_dir)
    expected = [python, "-I", "-S", "-c", LAUNCHER, zipapp, "statusline"]
    assert shlex.split(command) == expected + (["--state-dir", state_dir] if state_dir else [])
    assert is_shim_command(command)


# Any settings object: JSON values nested a little, keys of any text but surrogates.
_keys = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8)
_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | _keys,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=3),
    max_leaves=8,
)
_status_lines = st.none() | _values | st.dictionaries(_keys, _values, max_size=4)
_settings = st.tuples(st.dictionaries(_keys, _values, max_size=5), _status_lines).map(
    lambda pair: {**pair[0], "statusLine": pair[1]} if pair[1] is not None else pair[0]
)
_users = st.none() | st.dictionaries(_keys, _values, max_size=3)


@settings(max_examples=300, deadline=None)
@given(before=_settings, user=_users)
def test_merge_keeps_everything_else_and_is_idempotent(before: dict, user: dict | None) -> None:
    text = json.dumps(before, indent=1)
    merged = merge_status_line(text, "f", OURS, user)
    after = json.loads(merged)
    assert {k: v for k, v in after.items() if k != "statusLine"} == {
        k: v for k, v in before.items() if k != "statusLine"
    }
    assert list(after) == list(before) + ([] if "statusLine" in before else ["statusLine"])
    line = after["statusLine"]
    assert (line["type"], line["command"]) == ("command", OURS)
    own = before.get("statusLine") if isinstance(before.get("statusLine"), dict) else {}
    for key, value in {**(user or {}), **own}.items():
        if key not in ("type", "command"):
            assert line[key] == value
    assert merge_status_line(merged, "f", OURS, user) == merged
    # And back: the original status line (or none) restores the original object.
    original = before.get("statusLine")
    if original is None or isinstance(original, dict):
        assert json.loads(restore_status_line(merged, "f", original)) == before
