"""The status-line shim: standard library only, CPython 3.8+, what goes into the zipapp."""

# How this run got its compiled code (set by `boot.py`), for `doctor`.
bytecode_cache = "none: not started by the status-line launcher"
