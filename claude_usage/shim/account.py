"""A one-way hash of the logged-in claude.ai account (SPEC §4 `account`).

`~/.claude.json` can hold megabytes of project history, so it is read only when its
inode, size or mtime changed; the answer is cached in a small file beside the events.
"""

import posix

_OWNER_KEY = b'"oauthAccount"'
_ID_KEY = b'"accountUuid"'
_NEAR = 4096  # the id sits inside the oauthAccount object, well within this


def find_account_id(config: "bytes") -> "object":
    """The `oauthAccount.accountUuid` string in Claude Code's config, or None."""
    owner = config.find(_OWNER_KEY)
    if owner < 0:
        return None
    key = config.find(_ID_KEY, owner, owner + _NEAR)
    if key < 0:
        return None
    pos = key + len(_ID_KEY)
    while config[pos : pos + 1] in (b" ", b"\t", b"\n", b"\r", b":"):
        pos += 1
    if config[pos : pos + 1] != b'"':
        return None
    end = config.find(b'"', pos + 1, pos + 200)
    value = config[pos + 1 : end] if end > 0 else b""
    if not value or b"\\" in value:
        return None
    try:
        return value.decode("ascii")
    except UnicodeDecodeError:
        return None


def hash_account_id(account_id: "str") -> "str":
    """First 12 hex digits of sha256: enough to tell accounts apart, not to recover one."""
    try:
        from _sha2 import sha256  # 3.12+: the builtin, without OpenSSL's start-up cost
    except ImportError:
        try:
            from _sha256 import sha256
        except ImportError:  # pragma: no cover - builds without the builtin hashes
            from hashlib import sha256
    return sha256(account_id.encode()).hexdigest()[:12]


def config_path(environ: "dict") -> "object":
    """Claude Code's `.claude.json` for this environment (bytes keys, as `posix.environ`)."""
    config_dir = environ.get(b"CLAUDE_CONFIG_DIR")
    if config_dir:
        return config_dir + b"/.claude.json"
    home = environ.get(b"HOME")
    return home + b"/.claude.json" if home else None


def _read(path: "bytes") -> "bytes":
    fd = posix.open(path, posix.O_RDONLY | posix.O_CLOEXEC)
    try:
        chunks = []
        while True:
            chunk = posix.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    finally:
        posix.close(fd)


def read_account(environ: "dict", cache_path: "bytes") -> "object":
    """The account hash, from the cache when the config file has not changed."""
    path = config_path(environ)
    if path is None:
        return None
    try:
        st = posix.stat(path)
        signature = b"%d %d %d " % (st.st_ino, st.st_size, st.st_mtime_ns)
        try:
            cached = _read(cache_path)
            if cached.startswith(signature):
                return cached[len(signature) :].decode() or None
        except OSError:
            pass
        account_id = find_account_id(_read(path))
    except OSError:
        return None
    account = hash_account_id(account_id) if account_id else ""
    _write_cache(cache_path, signature + account.encode())
    return account or None


def _write_cache(path: "bytes", data: "bytes") -> None:
    tmp = path + b".%d.tmp" % posix.getpid()
    flags = posix.O_WRONLY | posix.O_CREAT | posix.O_TRUNC | posix.O_NOFOLLOW | posix.O_CLOEXEC
    try:
        fd = posix.open(tmp, flags, 0o600)
        try:
            posix.write(fd, data)
        finally:
            posix.close(fd)
        posix.rename(tmp, path)
    except OSError:
        try:
            posix.unlink(tmp)
        except OSError:
            pass
