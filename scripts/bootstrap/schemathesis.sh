#!/usr/bin/env bash
# Installs schemathesis (a schema-driven API fuzzer from PyPI) into .venv/schemathesis.
# Idempotent: a stamp file records the pinned version, so a rerun is a no-op.
# Progress goes to stderr; the last line on stdout is the path of the `st` command.
set -euo pipefail

SCHEMATHESIS_VERSION="${SCHEMATHESIS_VERSION:-4.32.5}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${SCHEMATHESIS_VENV:-$ROOT/.venv/schemathesis}"
STAMP="$VENV/.schemathesis-version"
BIN="$VENV/bin/st"
PYTHON="${PYTHON:-python3}"

log() { echo "[bootstrap/schemathesis] $*" >&2; }

if [[ -x "$BIN" && -f "$STAMP" && "$(cat "$STAMP")" == "$SCHEMATHESIS_VERSION" ]]; then
  echo "$BIN"
  exit 0
fi

if [[ ! -x "$VENV/bin/python" ]]; then
  log "creating virtualenv $VENV with $($PYTHON --version 2>&1)"
  "$PYTHON" -m venv "$VENV"
fi

log "installing schemathesis==$SCHEMATHESIS_VERSION (this takes a minute on a fresh machine)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  "schemathesis==$SCHEMATHESIS_VERSION" >&2

if [[ ! -x "$BIN" ]]; then
  log "st not found at $BIN after install"
  exit 1
fi
"$VENV/bin/st" --version >&2
echo "$SCHEMATHESIS_VERSION" > "$STAMP"
log "ready"
echo "$BIN"
