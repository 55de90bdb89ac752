"""The `claude-usage` command line: one typer app, one module per command."""
