"""The reader: every agent's events -> sessions, costs and rate-limit windows (SPEC §7)."""
