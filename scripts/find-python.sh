# Sourced by scripts/*: sets PYTHON_FOR_PACKAGE to a Python >= 3.12 interpreter.
# pyenv's shims fail for versions that are not selected, so its versions folder is
# searched directly; PATH and uv's own discovery come after.
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
PYTHON_FOR_PACKAGE="$(find_python_for_package)"
