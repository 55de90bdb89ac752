"""Compact JSON through the C scanner and encoder in `_json`.

`import json` pulls in `re`, which costs about as much as the interpreter's own start-up;
`_json` gives the same parser and encoder without it. The `json` package is the fallback
for interpreters built without `_json`.
"""

try:
    import _json
except ImportError:  # pragma: no cover - CPython always has it; other builds may not
    _json = None


def _constant(name):
    # NaN and Infinity are not JSON: readers such as orjson reject them, so they become null.
    return None


class _Context:
    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = _constant


def _no_default(value):
    raise TypeError("not JSON serializable: %r" % type(value))


if _json is not None:
    _scan = _json.make_scanner(_Context)
    _encode = _json.make_encoder(
        None, _no_default, _json.encode_basestring_ascii, None, ":", ",", False, False, False
    )

    def loads(text: "str") -> "object":
        """Parse one JSON document; ValueError if it is not exactly one."""
        end = len(text)
        start = 0
        while start < end and text[start] in " \t\n\r":
            start += 1
        try:
            value, pos = _scan(text, start)
        except StopIteration:
            raise ValueError("no JSON value") from None
        except ValueError:
            raise
        except Exception as error:
            # 3.10 and 3.11 report a syntax error as SystemError unless `json.decoder`
            # was imported first; deep nesting gives RecursionError.
            raise ValueError("invalid JSON (%s)" % type(error).__name__) from None
        while pos < end and text[pos] in " \t\n\r":
            pos += 1
        if pos != end:
            raise ValueError("extra data after the JSON value")
        return value

    def dumps(value: "object") -> "str":
        """Compact, ASCII-only JSON; ValueError for NaN or Infinity."""
        return "".join(_encode(value, 0))

else:  # pragma: no cover - exercised by a test that hides `_json`
    import json as _stdjson

    _decoder = _stdjson.JSONDecoder(parse_constant=_constant)
    _encoder = _stdjson.JSONEncoder(separators=(",", ":"), allow_nan=False)

    def loads(text: "str") -> "object":
        """Parse one JSON document; ValueError if it is not exactly one."""
        return _decoder.decode(text)

    def dumps(value: "object") -> "str":
        """Compact, ASCII-only JSON; ValueError for NaN or Infinity."""
        return _encoder.encode(value)
