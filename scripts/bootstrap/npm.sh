#!/usr/bin/env bash
# Installs the npm packages from package-lock.json, only when the lock changed since the
# last install (a stamp in node_modules), so reruns take well under a second.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
STAMP="node_modules/.ekm-lock-stamp"
if [[ -f "$STAMP" ]] && cmp -s package-lock.json "$STAMP"; then
  exit 0
fi
echo "[bootstrap/npm] installing npm packages from package-lock.json (about a minute on a fresh machine, Node $(node --version))" >&2
start=$(date +%s)
npm ci --no-audit --no-fund --loglevel=error >&2
cp package-lock.json "$STAMP"
echo "[bootstrap/npm] done in $(( $(date +%s) - start )) s" >&2
