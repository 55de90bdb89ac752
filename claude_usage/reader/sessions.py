"""Cost as a counter per Claude Code process, and the process's auth mode (SPEC §7). Pure.

`cost.total_cost_usd` and the other four cost fields are cumulative counters that can
reset (`/clear`, a restart). A process's readings are walked in time order: each positive
increase is credited to the session of the later reading; a decrease is a reset, so the
new reading itself is the increase; a null field neither resets nor advances. The
sessions of a process therefore sum to what Claude Code reported. A run of readings of one
session is credited as one subtraction (last - base), so a process with one session sums
exactly to its last reading, without float drift.

Alongside, the same increases are kept per quarter hour of UTC (`BUCKET_SECONDS`), for
rollups by day: every time zone's offset is a whole number of quarter hours, so a local day
is a union of buckets. A stretch of one session's readings within one bucket is credited
as one subtraction too, when the stretch ends.
"""

from __future__ import annotations

from operator import add, ge, sub
from typing import Any

from claude_usage.reader.parse import INF, as_number, names_auth_evidence
from claude_usage.reader.shares import BucketShares
from claude_usage.shim.events import COST_FIELDS

SUBSCRIPTION = "SUBSCRIPTION"
API_KEY = "API_KEY"
_N = len(COST_FIELDS)
_TOTAL, _DURATION, _API, _ADDED, _REMOVED = COST_FIELDS
_NO_AUTH_EVIDENCE = {"env": []}
BUCKET_SECONDS = 900
_NO_RESETS = (0,) * _N

# A session's share of one bucket: [first_at, last_at, the five credited counters].
BucketShare = list[Any]


class SessionTally:
    """One session's share of one process's counters."""

    __slots__ = ("account", "buckets", "credited", "first_at", "last_at", "model", "session_id")

    def __init__(self, session_id: str, at: int) -> None:
        self.session_id = session_id
        self.first_at = at
        self.last_at = at
        self.credited: list[float | None] = [None] * _N
        self.model: str | None = None
        self.account: str | None = None
        self.buckets = BucketShares()  # closed stretches, oldest first


class ProcessTally:
    """The counters, sessions and auth evidence of one Claude Code process."""

    __slots__ = (
        "auth_env",
        "base",
        "bucket",
        "bucket_gone",
        "bucket_mark",
        "bucket_session",
        "bucket_since",
        "has_rate_limits",
        "key",
        "last_at",
        "prev",
        "run",
        "sessions",
        "steady",
    )

    def __init__(self, key: str) -> None:
        self.key = key
        self.sessions: dict[str, SessionTally] = {}
        self.prev: list[Any] = [None] * _N  # last non-null reading per field
        self.base: list[Any] = [0] * _N  # counter value where the open run started
        self.run: list[str | None] = [None] * _N  # session of the open run per field
        self.steady: str | None = None  # a session that holds every field's open run
        self.last_at = -1
        self.has_rate_limits = False
        self.auth_env = False
        # The open stretch of one session within one bucket: the counters where it
        # started, what resets inside it took away from them, and its first reading.
        self.bucket = -1
        self.bucket_session: str | None = None
        self.bucket_mark: list[Any] | tuple[Any, ...] = [0] * _N
        self.bucket_gone: list[Any] | None = None  # None: no reset inside the stretch
        self.bucket_since = 0

    def add(
        self,
        at: int,
        session_id: str,
        cost: object,
        rate_limits: bool,
        auth: object,
        model: str | None,
        account: str | None,
    ) -> None:
        """Take one reading; the caller guarantees time order (`at` >= `last_at`)."""
        self.last_at = at
        if rate_limits:
            self.has_rate_limits = True
        if not (self.has_rate_limits or self.auth_env) and auth != _NO_AUTH_EVIDENCE:
            # Evidence matters only while the mode is not SUBSCRIPTION already.
            self.auth_env = names_auth_evidence(auth)
        if type(cost) is not dict:
            return  # a reading without cost belongs to no session (as upstream)
        session = self.sessions.get(session_id)
        if session is None:
            session = self.sessions[session_id] = SessionTally(session_id, at)
        if at // BUCKET_SECONDS != self.bucket or session_id != self.bucket_session:
            self._open_stretch(session_id, at)
        session.last_at = at
        if model is not None:
            session.model = model
        if account is not None:
            session.account = account
        try:
            values = (cost[_TOTAL], cost[_DURATION], cost[_API], cost[_ADDED], cost[_REMOVED])
        except KeyError:
            get = cost.get
            values = (get(_TOTAL), get(_DURATION), get(_API), get(_ADDED), get(_REMOVED))
        if self.steady == session_id:
            # The common reading: the same session, every counter a number and none gone
            # down (a null or a string makes the comparison raise).
            try:
                if all(map(ge, values, self.prev)) and max(values) < INF:
                    self.prev = values
                    return
            except TypeError:
                pass
        self._add_fieldwise(session, tuple(map(as_number, values)))

    def take_steady(self, session_id: str, values: tuple[Any, ...], at: int) -> bool:
        """Readings of `session_id` up to `at`, each counter a number that went up from
        the reading before, the last one `values`: what `add` makes of them while the
        session is steady (it keeps the latest). False, and nothing taken, if it is not."""
        if self.steady != session_id or at // BUCKET_SECONDS != self.bucket:
            return False
        self.prev = values
        self.last_at = self.sessions[session_id].last_at = at
        return True

    def split_steady(
        self,
        session_id: str,
        before: tuple[Any, ...],
        before_at: int,
        values: tuple[Any, ...],
        at: int,
    ) -> bool:
        """`take_steady` up to the reading `before`, and then one more, `values` at `at`,
        the first of a later quarter hour. False, and nothing taken, if it is not steady."""
        if self.steady != session_id or before_at // BUCKET_SECONDS != self.bucket:
            return False
        # What _open_stretch does, for the case that takes most of a segment's quarter
        # hours: while steady, no counter is null and the marks are numbers.
        credited = list(map(sub, before, self.bucket_mark))
        if self.bucket_gone is not None:
            credited = list(map(add, credited, self.bucket_gone))
        session = self.sessions[session_id]
        session.buckets.add_share(self.bucket_since, before_at, credited)
        self.bucket, self.bucket_since = at // BUCKET_SECONDS, at
        self.bucket_mark, self.bucket_gone = before, None
        self.prev, self.last_at, session.last_at = values, at, at
        return True

    def _add_fieldwise(self, session: SessionTally, values: tuple[Any, ...]) -> None:
        sid = session.session_id
        prev = self.prev = list(self.prev)  # the fast path leaves a tuple
        base, run, credited = self.base, self.run, session.credited
        for i in range(_N):
            value = values[i]
            if value is None:
                continue
            if credited[i] is None:
                credited[i] = 0
            before = prev[i]
            if before is None or value < before:  # the first reading, or a reset
                if before is not None:
                    self._credit(run[i], i, before - base[i])
                    self._reset_in_stretch(i, before)
                base[i] = 0
                run[i] = sid
            elif run[i] != sid:
                self._credit(run[i], i, before - base[i])
                base[i] = before
                run[i] = sid
            prev[i] = value
        steady = all(r == sid for r in run) and None not in prev
        self.steady = sid if steady else None

    def _credit(self, sid: str | None, i: int, amount: float) -> None:
        credited = self.sessions[sid].credited  # type: ignore[index]
        credited[i] = (credited[i] or 0) + amount

    def _reset_in_stretch(self, i: int, before: Any) -> None:
        # The open stretch keeps what the counter rose by before the reset.
        if self.bucket_gone is None:
            self.bucket_gone = [0] * _N
        mark = self.bucket_mark = list(self.bucket_mark)
        self.bucket_gone[i] += before - mark[i]
        mark[i] = 0

    def _open_stretch(self, session_id: str, at: int) -> None:
        share = self._open_share()
        if share is not None:
            self.sessions[self.bucket_session].buckets.append(share)  # type: ignore[index]
        self.bucket, self.bucket_session, self.bucket_since = at // BUCKET_SECONDS, session_id, at
        self.bucket_mark = [0 if v is None else v for v in self.prev]
        self.bucket_gone = None

    def _open_share(self) -> BucketShare | None:
        sid = self.bucket_session
        if sid is None:
            return None
        gone = self.bucket_gone or _NO_RESETS
        credited = [
            None if v is None else g + v - mark
            for v, mark, g in zip(self.prev, self.bucket_mark, gone, strict=True)
        ]
        return [self.bucket_since, self.sessions[sid].last_at, *credited]

    def session_buckets(self) -> dict[str, BucketShares]:
        """Each session's shares of the buckets it had readings in, the open one included;
        a session may have more than one share of a bucket (another session came between)."""
        out = {sid: s.buckets for sid, s in self.sessions.items()}
        share = self._open_share()
        if share is not None:
            sid = self.bucket_session
            out[sid] = out[sid].plus(share)  # type: ignore[index]
        return out

    def session_costs(self) -> dict[str, tuple[float | None, ...]]:
        """Each session's credited counters, the open runs included."""
        out = {sid: list(s.credited) for sid, s in self.sessions.items()}
        for i in range(_N):
            sid, before = self.run[i], self.prev[i]
            if sid is not None and before is not None:
                out[sid][i] = (out[sid][i] or 0) + (before - self.base[i])
        return {sid: tuple(values) for sid, values in out.items()}

    @property
    def mode(self) -> str:
        """SUBSCRIPTION if any reading had a rate_limits object, else API_KEY."""
        return SUBSCRIPTION if self.has_rate_limits else API_KEY

    @property
    def mode_evidence(self) -> str:
        """Why: `rate_limits`, `auth_env` (an API key, cloud provider or gateway) or `inferred`."""
        if self.has_rate_limits:
            return "rate_limits"
        return "auth_env" if self.auth_env else "inferred"

    def to_state(self) -> list[Any]:
        """A JSON-able snapshot, for the incremental cache."""
        return [
            self.key,
            list(self.prev),
            self.base,
            self.run,
            self.steady,
            self.last_at,
            self.has_rate_limits,
            self.auth_env,
            [
                [
                    s.session_id,
                    s.first_at,
                    s.last_at,
                    s.credited,
                    s.model,
                    s.account,
                    s.buckets.to_state(),
                ]
                for s in self.sessions.values()
            ],
            [
                self.bucket,
                self.bucket_session,
                list(self.bucket_mark),
                self.bucket_gone,
                self.bucket_since,
            ],
        ]

    @classmethod
    def from_state(cls, state: list[Any]) -> ProcessTally:
        """The inverse of `to_state`."""
        key, prev, base, run, steady, last_at, has_rate_limits, auth_env, sessions, stretch = state
        tally = cls(key)
        tally.prev, tally.base, tally.run, tally.steady = prev, base, run, steady
        tally.last_at, tally.has_rate_limits, tally.auth_env = last_at, has_rate_limits, auth_env
        for sid, first_at, last_at_s, credited, model, account, buckets in sessions:
            session = tally.sessions[sid] = SessionTally(sid, first_at)
            session.last_at, session.credited = last_at_s, credited
            session.model, session.account = model, account
            session.buckets = BucketShares.from_state(buckets)
        (
            tally.bucket,
            tally.bucket_session,
            tally.bucket_mark,
            tally.bucket_gone,
            tally.bucket_since,
        ) = stretch
        return tally
