#!/usr/bin/env bash
# Installs moto's standalone server (AWS KMS/STS/IAM wire protocol) into .venv/moto.
# Idempotent: a stamp file records the pinned version, so a rerun is a no-op.
# Progress goes to stderr; the last line on stdout is the path of moto_server.
set -euo pipefail

MOTO_VERSION="${MOTO_VERSION:-5.2.5}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${MOTO_VENV:-$ROOT/.venv/moto}"
STAMP="$VENV/.moto-version"
BIN="$VENV/bin/moto_server"
PYTHON="${PYTHON:-python3}"

log() { echo "[bootstrap/moto] $*" >&2; }

if [[ -x "$BIN" && -f "$STAMP" && "$(cat "$STAMP")" == "$MOTO_VERSION" ]]; then
  echo "$BIN"
  exit 0
fi

if [[ ! -x "$VENV/bin/python" ]]; then
  log "creating virtualenv $VENV with $($PYTHON --version 2>&1)"
  "$PYTHON" -m venv "$VENV"
fi

log "installing moto[server]==$MOTO_VERSION (this takes a minute on a fresh machine)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  "moto[server]==$MOTO_VERSION" >&2

if [[ ! -x "$BIN" ]]; then
  log "moto_server not found at $BIN after install"
  exit 1
fi
"$VENV/bin/python" -c 'import moto, flask; print("moto", moto.__version__)' >&2
echo "$MOTO_VERSION" > "$STAMP"
log "ready"
echo "$BIN"
