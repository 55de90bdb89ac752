"""One render (SPEC §5): read stdin -> start the user's command -> record -> print.

This is the hot path. It uses `posix` rather than `os` (`import os` alone costs about a
millisecond against a ~7 ms bare start with `-S`), bytes paths straight from the
environment, and imports `subprocess` only when there is a command to chain. Nothing in
here may fail the render: every error is swallowed and shown only with
`CLAUDE_USAGE_DEBUG=1`, on stderr.
"""

import posix
import sys
import time

from . import events

STDIN_LIMIT = 1 << 20
STDIN_SECONDS = 1.0
CHAIN_TIMEOUT = 2.0
HEARTBEAT = 60.0
ENV_DEBUG = b"CLAUDE_USAGE_DEBUG"
ENV_CHAIN_TIMEOUT = b"CLAUDE_USAGE_CHAIN_TIMEOUT"
ENV_HEARTBEAT = b"CLAUDE_USAGE_HEARTBEAT"
LAST_GOOD_SUFFIX = b".last_output"
ACCOUNT_CACHE = b"/.claude_account"

_environ = posix.environ
_FS_ENCODING = sys.getfilesystemencoding()


def debug(message: "str") -> None:
    """Diagnostics for CLAUDE_USAGE_DEBUG=1, on stderr only."""
    if _environ.get(ENV_DEBUG, b"0") not in (b"", b"0"):
        try:
            posix.write(2, ("claude-usage: %s\n" % message).encode("utf-8", "replace"))
        except OSError:
            pass


class _Timeout(Exception):
    pass


def read_stdin(limit: "int" = STDIN_LIMIT, seconds: "float" = STDIN_SECONDS) -> "tuple":
    """(bytes read, complete): stdin to EOF unless it is over `limit` or slower than `seconds`."""
    import _signal

    reading = [True]

    def _alarm(signum, frame):
        if reading[0]:
            raise _Timeout

    chunks = []
    size = 0
    complete = False
    previous = _signal.signal(_signal.SIGALRM, _alarm)
    _signal.setitimer(_signal.ITIMER_REAL, seconds)
    try:
        while size <= limit:
            chunk = posix.read(0, 65536)
            if not chunk:
                complete = True
                break
            chunks.append(chunk)
            size += len(chunk)
    except _Timeout:
        debug("stdin: no EOF within %gs; not recorded" % seconds)
    except OSError as error:
        debug("stdin: %s" % error)
    finally:
        reading[0] = False
        _signal.setitimer(_signal.ITIMER_REAL, 0)
        _signal.signal(_signal.SIGALRM, previous)
    if size > limit:
        debug("stdin: more than %d bytes; not recorded" % limit)
    return b"".join(chunks), complete and size <= limit


def parse_payload(data: "bytes") -> "object":
    """The payload object, or None if stdin was not one UTF-8 JSON document."""
    from .jsoncodec import loads

    try:
        return loads(data.decode("utf-8"))
    except ValueError as error:
        debug("payload: %s" % error)
        return None


def _seconds(text: "object", default: "float") -> "float":
    try:
        value = float(text)
    except (TypeError, ValueError):
        return default
    return value if 0 <= value < 1e9 else default


def parse_options(argv: "list") -> "dict":
    """Options of `statusline` and `write`; unknown ones are ignored, never fatal."""
    options = {
        "state_dir": None,
        "quiet": False,
        "timeout": _seconds(_environ.get(ENV_CHAIN_TIMEOUT), CHAIN_TIMEOUT),
        "heartbeat": _seconds(_environ.get(ENV_HEARTBEAT), HEARTBEAT),
    }
    args = iter(argv)
    for arg in args:
        name, eq, value = arg.partition("=")
        if name == "--quiet":
            options["quiet"] = True
        elif name in ("--state-dir", "--timeout", "--heartbeat"):
            value = value if eq else next(args, "")
            key = name[2:].replace("-", "_")
            if key == "state_dir":
                options[key] = value.encode(_FS_ENCODING, "surrogateescape") if value else None
            else:
                options[key] = _seconds(value, options[key])
        else:
            debug("ignoring unknown argument %r" % arg)
    return options


def locate(state_dir: "object") -> "tuple":
    """(events path, sidecar path) from --state-dir or the environment; either may be None."""
    if state_dir is None:
        state_dir = _environ.get(events.ENV_STATE_DIR.encode()) or None
        events_path = _environ.get(events.ENV_EVENTS_PATH.encode()) or None
    else:
        events_path = None
    if state_dir is not None:
        state_dir = state_dir.rstrip(b"/") or b"/"
        if events_path is None:
            events_path = state_dir + b"/" + events.EVENTS_SUBPATH.encode()
        return events_path, state_dir + b"/" + events.SIDECAR_SUBPATH.encode()
    return events_path, None


def record_event(payload: "object", events_path: "bytes", heartbeat: "float") -> "bool":
    """Append the render's event (write-on-change with a heartbeat). True if a line was written."""
    from . import record as rules

    if not rules.should_record(payload):
        return False
    from .account import read_account
    from .append import append_event
    from .process import process_key

    now = time.time_ns()
    cache = events_path[: events_path.rfind(b"/") + 1] + ACCOUNT_CACHE[1:]
    body = rules.event_body(
        payload,
        posix.uname().nodename.split(".")[0],
        process_key(),
        rules.auth_env_names(_environ),
        read_account(_environ, cache),
    )
    head = rules.event_head(posix.urandom(16).hex(), events.format_timestamp(now))
    fresh_after = events.format_timestamp(now - int(heartbeat * 1e9))
    return append_event(events_path, head.encode(), body.encode(), fresh_after.encode())


def _record_safely(payload: "object", events_path: "object", heartbeat: "float") -> None:
    if events_path is None:
        debug("no %s and no --state-dir: not recording" % events.ENV_STATE_DIR)
        return
    try:
        written = record_event(payload, events_path, heartbeat)
        debug("recorded" if written else "not recorded (nothing new)")
    except Exception as error:  # the status line must survive any failure to record
        debug("not recorded: %s: %s" % (type(error).__name__, error))


def _write_stdout(data: "bytes") -> None:
    while data:
        try:
            data = data[posix.write(1, data) :]
        except OSError:
            return


def run_write(argv: "list") -> int:
    """`write`: record the payload on stdin; no chaining, no output."""
    options = parse_options(argv)
    data, complete = read_stdin()
    events_path, _ = locate(options["state_dir"])
    if complete:
        _record_safely(parse_payload(data), events_path, options["heartbeat"])
    return 0


def run_statusline(argv: "list") -> int:
    """`statusline`: record the render, then print the user's status line (or ours)."""
    options = parse_options(argv)
    data, complete = read_stdin()
    events_path, sidecar = locate(options["state_dir"])
    command = proc = None
    if sidecar is not None:
        proc, command = _start_chain(sidecar)
    payload = parse_payload(data) if complete else None
    _record_safely(payload, events_path, options["heartbeat"])
    status = 0
    output = None
    if proc is not None:
        output, status = _finish_chain(proc, command, data, sidecar, options["timeout"])
    if output is None and not options["quiet"]:
        from .summary_line import summary_line

        line = summary_line(payload)
        output = (line + "\n").encode("utf-8", "replace") if line else b""
    if output:
        _write_stdout(output)
    return status


def _start_chain(sidecar: "bytes") -> "tuple":
    try:
        st = posix.stat(sidecar)
    except OSError:
        return None, None
    if not st.st_size:
        return None, None
    try:
        from . import chain

        command, refusal = chain.read_sidecar(sidecar)
        if refusal:
            debug("not running %s: %s" % (sidecar.decode(errors="replace"), refusal))
        if command is None:
            return None, None
        return chain.start(command), command
    except Exception as error:
        debug("cannot start the status-line command: %s" % error)
        return None, None


def _finish_chain(proc, command: "bytes", data: "bytes", sidecar: "bytes", timeout: "float"):
    """(output, status); output None means: print the built-in line instead."""
    from . import chain

    last_good = sidecar + LAST_GOOD_SUFFIX
    try:
        output, status = chain.finish(proc, data, timeout)
    except Exception as error:
        debug("status-line command failed: %s" % error)
        output, status = None, None
    if output is None:
        if status is None:
            debug("status-line command: no answer within %gs; last good output shown" % timeout)
        return chain.load_last_good(last_good, command), 0
    if status == 0 and output.strip():
        try:
            chain.save_last_good(last_good, command, output)
        except OSError as error:
            debug("cannot save the last good output: %s" % error)
    return output, status
