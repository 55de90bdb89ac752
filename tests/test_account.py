"""The account hash: found in Claude Code's config, hashed, cached by file identity."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from claude_usage.shim.account import config_path, find_account_id, hash_account_id, read_account

UUID = "0d6c1f3e-1111-4222-8333-444455556666"


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        pytest.param(
            {"oauthAccount": {"accountUuid": UUID, "emailAddress": "a@b"}}, UUID, id="compact"
        ),
        pytest.param({"projects": {"/x": {"accountUuid": "nope"}}}, None, id="no-oauth-account"),
        pytest.param({"oauthAccount": {"emailAddress": "a@b"}}, None, id="no-uuid"),
        pytest.param({"oauthAccount": {"accountUuid": 5}}, None, id="uuid-not-a-string"),
        pytest.param({"oauthAccount": {"accountUuid": ""}}, None, id="empty-uuid"),
        pytest.param({"oauthAccount": {"accountUuid": 'a"b'}}, None, id="escaped-string-refused"),
    ],
)
def test_find_account_id(config: dict, expected: object) -> None:
    for indent in (None, 2):
        assert find_account_id(json.dumps(config, indent=indent).encode()) == expected


def test_hash_is_twelve_hex_of_sha256_and_never_the_id() -> None:
    assert hash_account_id(UUID) == hashlib.sha256(UUID.encode()).hexdigest()[:12]


def test_config_path_prefers_claude_config_dir() -> None:
    assert config_path({b"HOME": b"/h"}) == b"/h/.claude.json"
    assert config_path({b"HOME": b"/h", b"CLAUDE_CONFIG_DIR": b"/c"}) == b"/c/.claude.json"
    assert config_path({}) is None


def test_read_account_caches_by_inode_size_and_mtime(tmp_path: Path) -> None:
    config = tmp_path / ".claude.json"
    config.write_text(json.dumps({"oauthAccount": {"accountUuid": UUID}}))
    cache = tmp_path / "cache"
    environ = {b"HOME": bytes(tmp_path)}
    expected = hash_account_id(UUID)
    assert read_account(environ, bytes(cache)) == expected
    assert cache.read_bytes().endswith(expected.encode())
    # Same size and mtime: the cache answers without reading the file again.
    st = config.stat()
    config.write_text(json.dumps({"oauthAccount": {"accountUuid": UUID.replace("1", "2")}}))
    os.utime(config, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert read_account(environ, bytes(cache)) == expected
    # A new mtime: read again.
    os.utime(config, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    assert read_account(environ, bytes(cache)) == hash_account_id(UUID.replace("1", "2"))


def test_logged_out_and_missing_config_give_null(tmp_path: Path) -> None:
    cache = bytes(tmp_path / "cache")
    assert read_account({b"HOME": bytes(tmp_path)}, cache) is None
    (tmp_path / ".claude.json").write_text("{}")
    assert read_account({b"HOME": bytes(tmp_path)}, cache) is None
    assert read_account({b"HOME": bytes(tmp_path)}, cache) is None  # cached as "none"


def test_unwritable_cache_still_answers(tmp_path: Path) -> None:
    (tmp_path / ".claude.json").write_text(json.dumps({"oauthAccount": {"accountUuid": UUID}}))
    cache = bytes(tmp_path / "no" / "such" / "dir" / "cache")
    assert read_account({b"HOME": bytes(tmp_path)}, cache) == hash_account_id(UUID)
