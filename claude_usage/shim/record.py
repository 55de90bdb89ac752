"""Payload -> event line (SPEC §4). Pure: the caller passes the clock, ids and host facts."""

from . import events
from .jsoncodec import dumps


def should_record(payload: "object") -> "bool":
    """True when the payload has `cost` or `rate_limits` with a value other than null/false."""
    if not isinstance(payload, dict):
        return False
    cost = payload.get("cost")
    rate_limits = payload.get("rate_limits")
    return (cost is not None and cost is not False) or (
        rate_limits is not None and rate_limits is not False
    )


def _or_null(value: "object") -> "object":
    # Upstream's writer maps false to null for these keys (jq's `// null`).
    return None if value is False else value


def _string_or_null(value: "object") -> "object":
    return value if isinstance(value, str) else None


def _finite(value: "object") -> "object":
    # Only a number too large for a double (1e400) gets here: it parses as inf.
    if isinstance(value, float):
        return value if value - value == 0.0 else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _dumps(value: "object") -> "str":
    try:
        return dumps(value)
    except ValueError:
        return dumps(_finite(value))


def event_body(
    payload: "dict",
    host: "object",
    process: "object",
    auth_env: "list",
    account: "object",
) -> "str":
    """Everything after the timestamp: what the render says, in the envelope's key order."""
    model = payload.get("model")
    return (
        '"session_id":%s,"cost":%s,"rate_limits":%s,"schema":%d,"host":%s,"process":%s,"auth":%s,"account":%s,"claude_version":%s,"model":%s}'
        % (
            _dumps(_or_null(payload.get("session_id"))),
            _dumps(_or_null(payload.get("cost"))),
            _dumps(events.decorate_rate_limits(_or_null(payload.get("rate_limits")))),
            events.SCHEMA_VERSION,
            _dumps(host),
            _dumps(process),
            _dumps({"env": auth_env}),
            _dumps(account),
            _dumps(_string_or_null(payload.get("version"))),
            _dumps(_string_or_null(model.get("id")) if isinstance(model, dict) else None),
        )
    )


def event_head(event_id_hex: "str", timestamp: "str") -> "str":
    """The fixed-width start of a line: envelope constants, event id and timestamp."""
    return events.PREFIX + event_id_hex + events.MIDDLE + timestamp + '",'


def auth_env_names(environ: "dict") -> "list":
    """Names of the auth-related variables set and non-empty; never their values.

    `environ` has bytes keys and values, as `posix.environ`.
    """
    return [name for name in events.AUTH_ENV_NAMES if environ.get(name.encode())]
