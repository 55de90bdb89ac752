"""The report in Prometheus' text exposition format (for node-exporter's textfile collector).

Every metric is a gauge over the report as of `now`: costs and session counts are those of
`--since`, per source, auth mode, agent and host; windows are per source, account and window.
"""

from __future__ import annotations

from collections import defaultdict

from claude_usage.reader.report import Report
from claude_usage.reader.windows import pace

_PREFIX = "claude_usage_"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(**labels: str) -> str:
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items()) + "}"


def _number(value: float) -> str:
    value = float(value)
    if value != value:
        return "NaN"
    if abs(value) == float("inf"):
        return "+Inf" if value > 0 else "-Inf"
    return repr(value)


class _Metrics:
    def __init__(self) -> None:
        self.help: dict[str, str] = {}
        self.samples: dict[str, list[str]] = defaultdict(list)

    def add(self, name: str, help_text: str, labels: str, value: float) -> None:
        self.help.setdefault(name, help_text)
        self.samples[name].append(f"{_PREFIX}{name}{labels} {_number(value)}")

    def text(self) -> str:
        out = []
        for name, help_text in self.help.items():
            out.append(f"# HELP {_PREFIX}{name} {help_text}")
            out.append(f"# TYPE {_PREFIX}{name} gauge")
            out.extend(self.samples[name])
        return "\n".join(out) + ("\n" if out else "")


def render_prometheus(report: Report) -> str:
    """The exposition text; empty when there is no data."""
    metrics = _Metrics()
    for source in report.sources:
        metrics.add(
            "updated_at_seconds",
            "Unix time of the newest event.",
            _labels(source=source.source),
            source.updated_at,
        )
        metrics.add(
            "stale",
            "1 if the newest event is old or a window has reset.",
            _labels(source=source.source),
            source.is_stale,
        )
        groups: dict[tuple[str, str, str], list] = defaultdict(list)
        for record in source.sessions:
            groups[(record.mode.lower(), record.agent_name, record.host)].append(record)
        for (mode, agent, host), records in groups.items():
            labels = _labels(source=source.source, mode=mode, agent=agent, host=host)
            cost = sum(r.cost[0] for r in records if r.cost[0] is not None)
            metrics.add(
                "cost_usd",
                "Session cost in USD within --since; subscription is imputed, api_key billable.",
                labels,
                cost,
            )
            metrics.add("sessions", "Sessions within --since.", labels, len(records))
        for account in source.accounts:
            for name, pool in account.windows.items():
                labels = _labels(
                    source=source.source, account=account.account or "unknown", window=name
                )
                if pool.used is not None:
                    metrics.add(
                        "window_used_percent",
                        "Used share of a rate-limit window, in percent.",
                        labels,
                        pool.used,
                    )
                if pool.resets_at is not None:
                    metrics.add(
                        "window_resets_at_seconds",
                        "Unix time the window resets.",
                        labels,
                        pool.resets_at,
                    )
                    metrics.add(
                        "window_seconds_until_reset",
                        "Seconds until the window resets (0 once it has).",
                        labels,
                        max(0, int(pool.resets_at) - report.now),
                    )
                rate, full_at = pace(pool)
                if rate is not None:
                    metrics.add(
                        "window_burn_rate_percent_per_hour",
                        "Pace of the window's use.",
                        labels,
                        rate,
                    )
                if full_at is not None:
                    metrics.add(
                        "window_projected_full_at_seconds",
                        "Unix time the window reaches 100 % at this pace, if before it resets.",
                        labels,
                        full_at,
                    )
    return metrics.text()
