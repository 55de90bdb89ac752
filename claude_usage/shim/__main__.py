"""argv -> verb. A verb's module is imported only when that verb runs."""

import sys

USAGE = """\
usage: claude_usage.pyz VERB [OPTIONS]

verbs:
  statusline   record this render, then print the status line (Claude Code's statusLine.command)
  write        record this render only: no status line, no chaining
  doctor       check this host: Python, state dir, events file, the user's command
  --version    print the version

options of statusline and write:
  --state-dir DIR   the agent's state dir (default: $MNGR_AGENT_STATE_DIR)
  --quiet           print no built-in status line when there is no command to chain
  --timeout S       time limit of the chained command (default 2; $CLAUDE_USAGE_CHAIN_TIMEOUT)
  --heartbeat S     record an unchanged render again after S seconds (default 60;
                    $CLAUDE_USAGE_HEARTBEAT)

CLAUDE_USAGE_DEBUG=1 shows on stderr why a render was not recorded.
"""


def main(argv: "list") -> int:
    """Run one verb and return its exit status."""
    verb = argv[0] if argv else ""
    if verb == "statusline":
        from .statusline import run_statusline

        return run_statusline(argv[1:])
    if verb == "write":
        from .statusline import run_write

        return run_write(argv[1:])
    if verb == "doctor":
        from .doctor import run_doctor

        return run_doctor(argv[1:])
    if verb in ("--version", "version"):
        from .. import __version__

        sys.stdout.write(
            "claude-usage %s (shim, Python %s)\n" % (__version__, sys.version.split()[0])
        )
        return 0
    if verb in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0
    sys.stderr.write(USAGE if not verb else "unknown verb %r\n\n%s" % (verb, USAGE))
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
