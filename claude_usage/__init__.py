"""claude-usage: record and report Claude Code cost and rate-limit usage."""

__version__ = "0.1.0"
