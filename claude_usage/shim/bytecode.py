"""Compile the zipapp's modules once and write the cache that `boot.py` serves them from."""

import marshal
import posix
import zipimport

# Every module of the package (name, is_package); tests/test_zipapp.py keeps it complete.
MODULES = (
    ("claude_usage", True),
    ("claude_usage.shim", True),
    ("claude_usage.shim.__main__", False),
    ("claude_usage.shim.account", False),
    ("claude_usage.shim.append", False),
    ("claude_usage.shim.boot", False),
    ("claude_usage.shim.bytecode", False),
    ("claude_usage.shim.chain", False),
    ("claude_usage.shim.command", False),
    ("claude_usage.shim.doctor", False),
    ("claude_usage.shim.events", False),
    ("claude_usage.shim.jsoncodec", False),
    ("claude_usage.shim.process", False),
    ("claude_usage.shim.record", False),
    ("claude_usage.shim.statusline", False),
    ("claude_usage.shim.summary_line", False),
)


def compile_modules(archive: "str") -> "dict":
    """Module name -> (code, is_package), compiled from the archive as zipimport would."""
    loader = zipimport.zipimporter(archive)
    modules = {}
    for name, is_package in MODULES:
        filename = "%s/%s%s" % (
            archive,
            name.replace(".", "/"),
            "/__init__.py" if is_package else ".py",
        )
        source = loader.get_data(filename)
        modules[name] = (compile(source, filename, "exec", dont_inherit=True), is_package)
    return modules


def build_cache(archive: "str", path: "str", key: "bytes") -> "tuple":
    """(modules, state): compile every module and write the cache atomically, mode 0600."""
    modules = compile_modules(archive)
    tmp = "%s.%d.tmp" % (path, posix.getpid())
    flags = posix.O_WRONLY | posix.O_CREAT | posix.O_EXCL | posix.O_NOFOLLOW | posix.O_CLOEXEC
    try:
        fd = posix.open(tmp, flags, 0o600)
        try:
            posix.write(fd, key + marshal.dumps(modules))
        finally:
            posix.close(fd)
        posix.rename(tmp, path)
    except OSError as error:
        try:
            posix.unlink(tmp)
        except OSError:
            pass
        return modules, "not written (%s): %s" % (error.strerror, path)
    return modules, "written: " + path
