"""Start the shim from the zipapp, as the status-line command does (see `command.py`).

Most of a render's cost would be compiling: zipimport compiles every module's source on
every run (3.10+ even twice) and the first `compile()` in a process costs about a
millisecond more on its own. So the launcher reads this file out of the archive and
`exec`s it (exec of source skips that first-call cost), and this file serves the whole
package from `<zipapp>.<cache tag>.cache` beside the archive: the modules compiled once,
marshalled, keyed by the interpreter's magic number and the archive's inode, size and
mtime. Without a usable cache it imports as usual and writes one (`bytecode.py`).

Exec'd as `__main__` with sys.argv = ["-c", <zipapp>, verb, ...]; importing it does nothing.
"""

import sys


def _serve_cached_code(archive: "str") -> "str":
    """Put a finder for the cached code first on sys.meta_path; say how it went."""
    import posix
    from _frozen_importlib_external import MAGIC_NUMBER

    st = posix.stat(archive)
    key = MAGIC_NUMBER + b"%d %d %d\n" % (st.st_ino, st.st_size, st.st_mtime_ns)
    path = "%s.%s.cache" % (archive, sys.implementation.cache_tag)
    modules = None
    try:
        fd = posix.open(path, posix.O_RDONLY | posix.O_NOFOLLOW | posix.O_CLOEXEC)
        try:
            st = posix.fstat(fd)
            # Code that someone else could have written is never run.
            if st.st_uid == posix.geteuid() and not st.st_mode & 0o022:
                data = posix.read(fd, st.st_size + 1)
                if data.startswith(key):
                    import marshal

                    modules = marshal.loads(data[len(key) :])
        finally:
            posix.close(fd)
    except (OSError, ValueError, EOFError, TypeError):
        pass
    state = "loaded: " + path
    if not isinstance(modules, dict):
        from claude_usage.shim.bytecode import build_cache

        modules, state = build_cache(archive, path, key)
    sys.meta_path.insert(0, _CachedModules(modules, archive))
    return state


class _CachedModules:
    """Meta path finder and loader: name -> (code, is_package) compiled from the archive."""

    def __init__(self, modules: "dict", archive: "str") -> None:
        self.modules = modules
        self.archive = archive

    def find_spec(self, name: "str", path: "object" = None, target: "object" = None) -> "object":
        entry = self.modules.get(name)
        if entry is None:
            return None
        from _frozen_importlib import ModuleSpec

        where = self.archive + "/" + name.replace(".", "/")
        spec = ModuleSpec(name, self, origin=where + ("/__init__.py" if entry[1] else ".py"))
        if entry[1]:
            spec.submodule_search_locations = [where]  # the rest still comes from the zip
        spec.has_location = True
        return spec

    def create_module(self, spec: "object") -> None:
        return None

    def exec_module(self, module: "object") -> None:
        exec(self.modules[module.__name__][0], module.__dict__)


def _boot() -> None:
    archive = sys.argv[1]
    sys.path.insert(0, archive)
    try:
        state = _serve_cached_code(archive)
    except Exception as error:  # without the cache, zipimport compiles as usual
        state = "failed: %s: %s" % (type(error).__name__, error)
    import claude_usage.shim
    from claude_usage.shim.__main__ import main

    claude_usage.shim.bytecode_cache = state
    sys.exit(main(sys.argv[2:]))


if __name__ == "__main__":
    _boot()
