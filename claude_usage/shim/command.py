"""The command line that runs the shim: what a `statusLine.command` holds.

`python3 claude_usage.pyz statusline` works, but a zip file given to the interpreter
runs through `runpy`, whose imports cost about half a bare start-up, and zipimport then
compiles every module from source. The launcher instead reads `boot.py` out of the
archive and execs it; `boot.py` serves the package precompiled (see its docstring).
With `-I -S`, nothing from the environment or site-packages can shadow our modules.

`is_shim_command` recognises a status-line command that runs a usage shim (ours, or
upstream's bash one): the provisioner never captures one as the user's command, and
the shim never chains to one, so a shim can never end up running itself.
"""

BOOT_MEMBER = "claude_usage/shim/boot.py"
# Double quotes inside, so `sh` quoting (single quotes around it) stays readable.
LAUNCHER = 'import sys,zipimport;exec(zipimport.zipimporter(sys.argv[1]).get_data("%s"))' % (
    BOOT_MEMBER
)

# Any command that runs our zipapp's `statusline` verb, however it is launched or quoted.
ZIPAPP_MARK = "claude_usage.pyz"
VERB_MARK = "statusline"
# Upstream's bash shim (imbue-mngr-claude-usage), installed per host under commands/.
UPSTREAM_SHIM_SUFFIX = "/commands/claude_statusline.sh"


def is_shim_command(command: "str") -> bool:
    """True if `command` runs a usage shim: ours or upstream's."""
    if ZIPAPP_MARK in command and VERB_MARK in command:
        return True
    # Upstream's shim is recognised by a word ending in its path; quotes around the word
    # (a host dir with spaces) are stripped, as `sh` would.
    return any(word.strip("'\"").endswith(UPSTREAM_SHIM_SUFFIX) for word in command.split())
