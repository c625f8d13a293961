#!/usr/bin/env bash
# Installs schemathesis (a schema-driven API fuzzer from PyPI) into .venv/schemathesis (or SCHEMATHESIS_VENV).
# Progress goes to stderr; the last line on stdout is the path of the `st` command.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/scripts/bootstrap/venv.sh"
SCHEMATHESIS_VERSION="${SCHEMATHESIS_VERSION:-4.32.5}"
pip_tool schemathesis "${SCHEMATHESIS_VENV:-$ROOT/.venv/schemathesis}" "schemathesis==$SCHEMATHESIS_VERSION" "$SCHEMATHESIS_VERSION" st \
  st --version
