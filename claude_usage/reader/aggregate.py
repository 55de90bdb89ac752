"""Events of one file -> processes and window pools, resumable (SPEC §7). Pure.

A FileTally is what one events file says, in a form that new lines can extend and that the
incremental cache can store: the processes with their sessions, the window pools, and the
counts of skipped lines. Nothing in it depends on the clock; `--since` and staleness are
applied when the report is built.

`FileTally.add` is the rule for one decoded line. `tally_lines` takes runs of our own
writer's lines a segment at a time (segments.py, stretches.py), with the same result, and
any other line through `add`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from claude_usage.reader.parse import (
    ParseStats,
    as_number,
    decode,
    names_windows,
    parse_timestamp,
    text_or_none,
)
from claude_usage.reader.segments import decode_segment, scan_segments
from claude_usage.reader.sessions import ProcessTally
from claude_usage.reader.stretches import add_decoded
from claude_usage.reader.windows import WindowPool

LEGACY_PREFIX = "legacy-"  # processes inferred from cost drops, for events without `process`


class OutOfOrder(Exception):
    """A reading older than its process's last one: the file must be read sorted."""


class FileTally:
    """Processes and windows of one events file."""

    __slots__ = (
        "last_account",
        "last_rate_limits",
        "last_touched",
        "legacy_at",
        "legacy_cost",
        "legacy_segment",
        "pools",
        "processes",
        "stats",
        "updated_at",
    )

    def __init__(self) -> None:
        self.processes: dict[str, ProcessTally] = {}
        self.pools: dict[str | None, dict[str, WindowPool]] = {}  # account -> window -> pool
        self.updated_at: int | None = None
        self.stats = ParseStats()
        self.legacy_segment = 0
        self.legacy_cost: float | None = None
        self.legacy_at = -1
        # The previous line's rate_limits: a re-render repeats them, and then only the
        # times move (see WindowPool.seen_again).
        self.last_rate_limits: object = None
        self.last_account: str | None = None
        # window key -> (its pool, resets_at, used, the window as read)
        self.last_touched: dict[str, tuple[WindowPool, Any, Any, Any]] = {}

    def add(self, obj: object) -> None:
        """Take one decoded line, in file order; OutOfOrder if its process has seen a later one."""
        try:
            # Our own lines have every key: subscripts are much cheaper than .get() calls.
            session_id, timestamp, cost = obj["session_id"], obj["timestamp"], obj["cost"]  # type: ignore[index]
            rate_limits, key, auth = obj["rate_limits"], obj["process"], obj["auth"]  # type: ignore[index]
            account, model = obj["account"], obj["model"]  # type: ignore[index]
        except (KeyError, TypeError, IndexError):
            if type(obj) is not dict:
                self.stats.malformed += 1
                return
            get = obj.get
            session_id, timestamp, cost = get("session_id"), get("timestamp"), get("cost")
            rate_limits, key, auth = get("rate_limits"), get("process"), get("auth")
            account, model = get("account"), get("model")
        if type(session_id) is not str or not session_id:
            self.stats.no_session += 1
            return
        at = parse_timestamp(timestamp)
        if at is None:
            self.stats.no_timestamp += 1
            return
        account = text_or_none(account)
        self.add_cost(at, session_id, cost, names_windows(rate_limits), key, auth, account, model)
        self.add_windows(at, rate_limits, account)

    def add_line(self, line: bytes) -> None:
        """Take one line as it is in the file, decoded whole."""
        if line and not line.isspace():
            self.add(decode(line))

    def add_cost(
        self,
        at: int,
        session_id: str,
        cost: object,
        has_rate_limits: bool,
        key: object,
        auth: object,
        account: str | None,
        model: object,
    ) -> None:
        if type(key) is not str or not key:
            # Upstream's processes without `process` are cut at cost drops in time order:
            # a reading earlier than the one before goes the sorted way (tally_sorted).
            if at < self.legacy_at:
                raise OutOfOrder(LEGACY_PREFIX)
            self.legacy_at = at
            key = self._legacy_key(cost)
        process = self.processes.get(key)
        if process is None:
            process = self.processes[key] = ProcessTally(key)
        elif at < process.last_at:
            raise OutOfOrder(key)
        process.add(at, session_id, cost, has_rate_limits, auth, text_or_none(model), account)
        if self.updated_at is None or at > self.updated_at:
            self.updated_at = at

    def add_windows(self, at: int, rate_limits: object, account: str | None) -> bool:
        """A reading's rate_limits into the window pools; False if they are no reading
        (anything but a non-empty object), which leaves the pools as they were."""
        if type(rate_limits) is not dict or not rate_limits:
            return False
        last = self.last_touched if account == self.last_account else {}
        if rate_limits == self.last_rate_limits and last:
            self.see_windows_again(at)
            return True
        pools = self.pools.get(account)
        touched = {}
        for name, window in rate_limits.items():
            if type(window) is not dict:
                continue  # not a window
            before = last.get(name)
            if before is not None and before[3] == window:
                # What WindowPool.add makes of the reading it took last: it is seen again.
                before[0].seen_again(at, before[1], before[2])
                touched[name] = before
                continue
            if pools is None:
                pools = self.pools[account] = {}
            pool = pools.get(name)
            if pool is None:
                pool = pools[name] = WindowPool(name)
            resets_at, used = pool.add(at, window)
            touched[name] = (pool, resets_at, used, window)
        self.last_rate_limits, self.last_account, self.last_touched = rate_limits, account, touched
        return True

    def see_windows_again(self, at: int) -> None:
        """The last rate_limits taken by `add_windows` read again at `at`."""
        for pool, resets_at, used, _ in self.last_touched.values():
            pool.seen_again(at, resets_at, used)

    def _legacy_key(self, cost: object) -> str:
        # Upstream's writer records no process: as upstream does, a drop of the total cost
        # starts a new process. Readings without a cost stay with the current one.
        total = as_number(cost.get("total_cost_usd")) if type(cost) is dict else None
        if total is not None:
            if self.legacy_cost is not None and total < self.legacy_cost:
                self.legacy_segment += 1
            self.legacy_cost = total
        return f"{LEGACY_PREFIX}{self.legacy_segment}"

    def to_state(self) -> dict[str, Any]:
        """A JSON-able snapshot, for the incremental cache."""
        return {
            "processes": [p.to_state() for p in self.processes.values()],
            "pools": [
                [account, pool.to_state()]
                for account, pools in self.pools.items()
                for pool in pools.values()
            ],
            "updated_at": self.updated_at,
            "stats": [self.stats.malformed, self.stats.no_session, self.stats.no_timestamp],
            "legacy": [self.legacy_segment, self.legacy_cost, self.legacy_at],
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> FileTally:
        """The inverse of `to_state`."""
        tally = cls()
        for process_state in state["processes"]:
            process = ProcessTally.from_state(process_state)
            tally.processes[process.key] = process
        for account, pool_state in state["pools"]:
            pool = WindowPool.from_state(pool_state)
            tally.pools.setdefault(account, {})[pool.key] = pool
        tally.updated_at = state["updated_at"]
        tally.stats = ParseStats(*state["stats"])
        tally.legacy_segment, tally.legacy_cost, tally.legacy_at = state["legacy"]
        return tally


def _timestamp_of(obj: object) -> int:
    at = parse_timestamp(obj.get("timestamp")) if type(obj) is dict else None
    return -1 if at is None else at


def tally_lines(data: bytes, tally: FileTally | None = None) -> FileTally:
    """Fold the complete lines of `data` (in file order) into a tally; OutOfOrder if a
    process's readings go back in time (then `tally_sorted` is the way)."""
    tally = FileTally() if tally is None else tally
    for item in scan_segments(data):
        if type(item) is bytes:
            tally.add_line(item)
            continue
        decoded = decode_segment(item)  # type: ignore[arg-type]
        if decoded is not None:
            add_decoded(tally, decoded)
        else:
            for line in data[item.start : item.end].split(b"\n"):  # type: ignore[union-attr]
                tally.add_line(line)
    return tally


def tally_sorted(objs: Iterable[object]) -> FileTally:
    """Fold decoded lines in timestamp order, stably (ties keep file order), as upstream.

    For a file whose readings are out of order (a clock step, a hand-merged file).
    """
    tally = FileTally()
    for obj in sorted(objs, key=_timestamp_of):
        tally.add(obj)
    return tally
