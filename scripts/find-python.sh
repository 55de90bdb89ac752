# Sourced by scripts/*: sets PYTHON_FOR_PACKAGE to a Python >= 3.12 interpreter and UV to
# a command that runs uv (installed with pip first if no Python has it).
# pyenv's shims fail for versions that are not selected, so its versions folder is
# searched directly; PATH and uv's own discovery come after. An active virtualenv (the
# scripts may run inside `uv run`) is left out of PATH: its Python has neither uv nor pip.
_path_outside_venv() {
  if [ -n "${VIRTUAL_ENV:-}" ]; then
    echo "$PATH" | tr ':' '\n' | grep -vxF "$VIRTUAL_ENV/bin" | paste -sd: -
  else
    echo "$PATH"
  fi
}

find_python_for_package() {
  local candidate root="${PYENV_ROOT:-$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")}"
  for candidate in \
      "$root"/versions/3.12*/bin/python3 "$root"/versions/3.13*/bin/python3 \
      "$(command -v python3.12 || true)" "$(command -v python3.13 || true)" \
      "$(command -v python3 || true)"; do
    if [ -x "$candidate" ] && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo ">=3.12"  # let uv find (or report) one
}

find_uv() {
  local python
  if uv --version >/dev/null 2>&1; then  # a pyenv shim may exist and still fail
    UV=(uv)
    return 0
  fi
  for python in "$(command -v python3 || true)" "$PYTHON_FOR_PACKAGE"; do
    if [ -x "$python" ] && "$python" -m uv --version >/dev/null 2>&1; then
      UV=("$python" -m uv)
      return 0
    fi
  done
  for python in "$(command -v python3 || true)" "$PYTHON_FOR_PACKAGE"; do
    if [ -x "$python" ] && "$python" -m pip --version >/dev/null 2>&1 \
        && "$python" -m pip install --quiet uv >&2; then
      UV=("$python" -m uv)
      return 0
    fi
  done
  echo "no uv, and no python3 with pip to install it: install uv (https://docs.astral.sh/uv/)" >&2
  return 1
}

PATH="$(_path_outside_venv)"
unset VIRTUAL_ENV
# Installed packages compiled once: `claude-usage --help` then starts without compiling
# typer and click, also where PYTHONDONTWRITEBYTECODE keeps Python from caching them.
export UV_COMPILE_BYTECODE=1
PYTHON_FOR_PACKAGE="$(find_python_for_package)"
find_uv || exit 1
