#!/usr/bin/env bash
# Installs moto's standalone server (AWS KMS/STS/IAM wire protocol) into .venv/moto (or MOTO_VENV).
# Progress goes to stderr; the last line on stdout is the path of moto_server.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/scripts/bootstrap/venv.sh"
MOTO_VERSION="${MOTO_VERSION:-5.2.5}"
pip_tool moto "${MOTO_VENV:-$ROOT/.venv/moto}" "moto[server]==$MOTO_VERSION" "$MOTO_VERSION" moto_server \
  python -c 'import moto, flask; print("moto", moto.__version__)'
