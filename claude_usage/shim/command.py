"""The command line that runs the shim: what a `statusLine.command` holds.

`python3 claude_usage.pyz statusline` works, but a zip file given to the interpreter
runs through `runpy`, whose imports cost about half a bare start-up, and zipimport then
compiles every module from source. The launcher instead reads `boot.py` out of the
archive and execs it; `boot.py` serves the package precompiled (see its docstring).
With `-I -S`, nothing from the environment or site-packages can shadow our modules.
"""

BOOT_MEMBER = "claude_usage/shim/boot.py"
LAUNCHER = "import sys,zipimport;exec(zipimport.zipimporter(sys.argv[1]).get_data(%r))" % (
    BOOT_MEMBER
)
