"""`claude-usage zipapp`: write the status-line shim to a file."""

from __future__ import annotations

from pathlib import Path

import typer


def zipapp(
    output: Path = typer.Option(
        Path("claude_usage.pyz"), "--output", "-o", help="Where to write the zipapp."
    ),
) -> None:
    """Write the status-line shim, claude_usage.pyz (stdlib only, Python 3.8+)."""
    import hashlib

    from claude_usage.zipapp import write_zipapp

    data = write_zipapp(output)
    typer.echo(f"{output}  {len(data)} bytes  sha256 {hashlib.sha256(data).hexdigest()}")
