"""The time zone rollups by day and the watch's clock are read in: local, or UTC.

The process's own zone (`TZ`, else the system's), through `time.localtime`, so each
moment gets the offset in force then (daylight saving time included).
"""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Zone:
    """How moments are written: as days, as short clock times, and the zone's name."""

    utc: bool

    def _struct(self, at: int) -> time.struct_time:
        return time.gmtime(at) if self.utc else time.localtime(at)

    def day(self, at: int) -> str:
        """`2026-12-03`."""
        return time.strftime("%Y-%m-%d", self._struct(at))

    def clock(self, at: int) -> str:
        """`12-03 09:12`."""
        return time.strftime("%m-%d %H:%M", self._struct(at))

    def name(self, at: int) -> str:
        """`UTC`, or the local zone's abbreviation and offset at `at`: `IST (UTC+05:30)`."""
        if self.utc:
            return "UTC"
        local = time.localtime(at)
        offset = local.tm_gmtoff
        sign = "-" if offset < 0 else "+"
        hours, minutes = divmod(abs(offset) // 60, 60)
        utc_offset = f"UTC{sign}{hours:02d}:{minutes:02d}"
        named = local.tm_zone and local.tm_zone[0] not in "+-"  # some zones have no abbreviation
        return f"{local.tm_zone} ({utc_offset})" if named else utc_offset
