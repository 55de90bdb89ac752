"""The event format (SPEC §3-§4): keys, key order, paths and the line layout.

This is the one place the format is written down; the shim writes with it and the
reader parses with it. It runs on every render, so it stays small.
"""

import time

SOURCE = "claude/usage"
EVENT_TYPE = "cost_snapshot"
SCHEMA_VERSION = 1

# Upstream's keys, in upstream's order, then ours (SPEC §4).
UPSTREAM_KEYS = ("source", "type", "event_id", "timestamp", "session_id", "cost", "rate_limits")
EXTENSION_KEYS = ("schema", "host", "process", "auth", "account", "claude_version", "model")
EVENT_KEYS = UPSTREAM_KEYS + EXTENSION_KEYS

COST_FIELDS = (
    "total_cost_usd",
    "total_duration_ms",
    "total_api_duration_ms",
    "total_lines_added",
    "total_lines_removed",
)

WINDOW_LABELS = {"five_hour": "5h", "seven_day": "7d"}
WINDOW_SECONDS = {"five_hour": 18000, "seven_day": 604800}

# Names only are recorded, never values (SPEC §4 `auth`).
AUTH_ENV_NAMES = (
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_AUTH_TOKEN",
    "CLAUDE_CODE_USE_BEDROCK",
    "CLAUDE_CODE_USE_VERTEX",
    "CLAUDE_CODE_USE_FOUNDRY",
    "ANTHROPIC_BASE_URL",
)

# Environment and paths (SPEC §3).
ENV_STATE_DIR = "MNGR_AGENT_STATE_DIR"
ENV_EVENTS_PATH = "MNGR_USAGE_EVENTS_PATH"
ENV_HOST_DIR = "MNGR_HOST_DIR"
EVENTS_SUBPATH = "events/claude/usage/events.jsonl"
SIDECAR_SUBPATH = "commands/user_statusline_cmd"
ZIPAPP_SUBPATH = "commands/claude_usage.pyz"

# A line is `PREFIX + 32 hex + MIDDLE + timestamp + "\",` + body`. The event id and the
# timestamp have fixed widths, so the body (everything that describes the render) starts
# at a fixed offset and the writer can compare it with the last line without parsing.
PREFIX = '{"source":"claude/usage","type":"cost_snapshot","event_id":"evt-'
MIDDLE = '","timestamp":"'
TIMESTAMP_LEN = 30  # 2026-12-03T18:58:39.123456789Z
TIMESTAMP_OFFSET = len(PREFIX) + 32 + len(MIDDLE)
BODY_OFFSET = TIMESTAMP_OFFSET + TIMESTAMP_LEN + 2


def format_timestamp(ns: "int") -> "str":
    """RFC 3339 UTC with nanoseconds, the event's `timestamp`."""
    t = time.gmtime(ns // 1000000000)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%09dZ" % (
        t.tm_year,
        t.tm_mon,
        t.tm_mday,
        t.tm_hour,
        t.tm_min,
        t.tm_sec,
        ns % 1000000000,
    )


def decorate_rate_limits(rate_limits: "object") -> "object":
    """Each window gains `label` and (known windows) `window_seconds`, after its own keys."""
    if not isinstance(rate_limits, dict):
        return rate_limits
    out = {}
    for key, window in rate_limits.items():
        if window is None:
            window = {}
        elif isinstance(window, dict):
            window = dict(window)
        else:
            out[key] = window  # not a window; kept as sent, the reader skips it
            continue
        window["label"] = WINDOW_LABELS.get(key, key)
        seconds = WINDOW_SECONDS.get(key)
        if seconds is not None:
            window["window_seconds"] = seconds
        out[key] = window
    return out
