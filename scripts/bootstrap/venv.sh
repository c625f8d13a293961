# shellcheck shell=bash
# Sourced by the Python tool installers (moto.sh, schemathesis.sh, python-sdk.sh): pinned PyPI
# packages in their own virtualenv, idempotent through a version stamp, so a rerun is a no-op.
#   pip_tool NAME VENV PIP_SPEC VERSION BIN_NAME CHECK_ARGS...
# PIP_SPEC is one requirement or several separated by spaces; VERSION names them all for the stamp.
# Progress goes to stderr; the last line on stdout is the path of the tool's command.
# CHECK_ARGS run with the venv's bin first on PATH and print the installed version.
pip_tool() {
  local name="$1" venv="$2" spec="$3" version="$4" bin="$2/bin/$5"
  shift 5
  local stamp="$venv/.$name-version" python="${PYTHON:-python3}" specs
  read -ra specs <<< "$spec"
  if [[ -x "$bin" && -f "$stamp" && "$(cat "$stamp")" == "$version" ]]; then
    echo "$bin"
    return 0
  fi
  if [[ ! -x "$venv/bin/python" ]]; then
    echo "[bootstrap/$name] creating virtualenv $venv with $($python --version 2>&1)" >&2
    "$python" -m venv "$venv"
  fi
  echo "[bootstrap/$name] installing $spec (this takes a minute on a fresh machine)" >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${specs[@]}" >&2
  if [[ ! -x "$bin" ]]; then
    echo "[bootstrap/$name] $(basename "$bin") not found at $bin after install" >&2
    return 1
  fi
  PATH="$venv/bin:$PATH" "$@" >&2
  echo "$version" > "$stamp"
  echo "[bootstrap/$name] ready" >&2
  echo "$bin"
}
