"""Report -> text, JSON or Prometheus exposition. Pure: each returns what the CLI prints."""
