#!/usr/bin/env python3
"""Build dist/claude_usage.pyz from the shim sources: `python3 build_zipapp.py [OUTPUT]`."""

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from claude_usage.zipapp import ZIPAPP_NAME, write_zipapp  # noqa: E402 - needs the path above


def main(argv: list) -> int:
    output = Path(argv[0]) if argv else ROOT / "dist" / ZIPAPP_NAME
    data = write_zipapp(output)
    print(f"{output}  {len(data)} bytes  sha256 {hashlib.sha256(data).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
