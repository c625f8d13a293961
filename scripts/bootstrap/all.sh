#!/usr/bin/env bash
# Installs everything the project needs, from nothing, into ignored cache folders:
# npm packages, the moto venv (AWS wire protocol), the schemathesis venv (API fuzzer), the
# Pulumi CLI and the Pulumi YAML language host built from Go modules.
# Every step is idempotent and fast once cached. Prints the PATH additions on stdout.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
bash scripts/bootstrap/npm.sh
bash scripts/bootstrap/moto.sh >/dev/null
bash scripts/bootstrap/schemathesis.sh >/dev/null
if [[ -f scripts/bootstrap/pulumi-cli.sh ]]; then
  bash scripts/bootstrap/pulumi-cli.sh | tail -n 1
fi
if [[ -f scripts/bootstrap/pulumi-yaml.sh ]]; then
  bash scripts/bootstrap/pulumi-yaml.sh | tail -n 1
fi
