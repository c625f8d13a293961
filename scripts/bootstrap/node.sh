#!/usr/bin/env bash
# Makes the scripts run on the Node they are tested on: 24 LTS (22 is the floor).
# A `node` on PATH of the wanted major version is used as it is. Otherwise that Node is installed
# from the npm package `node` (it ships the official binaries) into .cache/node/<major> (ignored
# by git). EKM_NODE_MAJOR=22 asks for the floor version, for the Node 22 leg of the tests.
# Progress goes to stderr; the last line on stdout is the bin folder to put first on PATH
# (empty when the Node on PATH is used).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# The exact versions the project is tested on; bump them together with the README.
declare -A PINNED=([24]=24.21.0 [22]=22.23.3)
WANT="${EKM_NODE_MAJOR:-24}"
log() { echo "[bootstrap/node] $*" >&2; }

if command -v node >/dev/null 2>&1 \
  && [[ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" == "$WANT" ]]; then
  echo ""; exit 0
fi
VERSION="${PINNED[$WANT]:-}"
if [[ -z "$VERSION" ]]; then log "EKM_NODE_MAJOR must be 22 or 24, got '$WANT'"; exit 1; fi
PREFIX="${EKM_NODE_CACHE:-$ROOT/.cache/node}/$WANT"
BIN="$PREFIX/node_modules/.bin"
if [[ ! -x "$BIN/node" || "$("$BIN/node" --version)" != "v$VERSION" ]]; then
  log "installing node@$VERSION into $PREFIX (about 10 s)"
  mkdir -p "$PREFIX"
  npm install --prefix "$PREFIX" --no-audit --no-fund --no-save --loglevel=error "node@$VERSION" >&2
fi
echo "$BIN"
