#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what is missing, then typecheck, lint,
# build, the unit suite on Node 22 (the floor), and every mocha suite (unit, integration against moto and the real platform,
# end-to-end under the real Pulumi engine) in one run that ends with "N passed, N failed".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# Node 24 LTS from the npm package `node` when the node on PATH is older than 22 (scripts/bootstrap/node.sh).
NODE_BIN="$(bash scripts/bootstrap/node.sh | tail -n 1)"
if [[ -n "$NODE_BIN" ]]; then export PATH="$NODE_BIN:$PATH"; fi
# all.sh prints one folder per line (the CLI, the YAML host): joined into one PATH prefix.
PULUMI_BIN="$(bash scripts/bootstrap/all.sh | paste -sd: -)"
if [[ -n "$PULUMI_BIN" ]]; then export PATH="$PULUMI_BIN:$PATH"; fi
echo "[test] typecheck" >&2
npx tsc --noEmit -p tsconfig.json
echo "[test] lint" >&2
npx eslint .
echo "[test] build" >&2
npx tsc -p tsconfig.build.json
if [[ $# -eq 0 ]]; then
  # The floor: the unit suite again on Node 22 (the stock-project suite covers Node 22 for users' installs).
  NODE22_BIN="$(EKM_NODE_MAJOR=22 bash scripts/bootstrap/node.sh | tail -n 1)"
  echo "[test] unit suite on Node $("$NODE22_BIN/node" --version)" >&2
  PATH="$NODE22_BIN:$PATH" npx mocha --config .mocharc.unit.json --reporter dot
fi
echo "[test] mocha on Node $(node --version)" >&2
npx mocha --config .mocharc.json "$@"
