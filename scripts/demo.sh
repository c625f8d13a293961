#!/usr/bin/env bash
# npm run demo: the main job on a fresh machine. Installs what is missing (npm packages, moto,
# the Pulumi CLI from Go modules), builds the package (the platform and the Key Vault emulator
# included), then runs scripts/demo.ts: the local platform, moto and the Key Vault emulator on
# loopback, one customer key made in moto (Contoso, AWS) and one in the emulator (Fabrikam,
# Azure), `pulumi up` registering each, an encryption through each customer key, `pulumi destroy`
# reverting both to platform keys.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# Node 24 LTS from the npm package `node` when the node on PATH is older than 22 (scripts/bootstrap/node.sh).
NODE_BIN="$(bash scripts/bootstrap/node.sh | tail -n 1)"
if [[ -n "$NODE_BIN" ]]; then export PATH="$NODE_BIN:$PATH"; fi
echo "[demo] 1/7 bootstrapping tools: npm packages, moto (.venv/moto), Pulumi CLI (.cache/pulumi); the first run takes a few minutes"
# all.sh prints one folder per line (the CLI, the YAML host): joined into one PATH prefix.
PULUMI_BIN="$(bash scripts/bootstrap/all.sh | paste -sd: -)"
export PATH="$PULUMI_BIN:$PATH"
echo "[demo]     pulumi $(pulumi version) at $PULUMI_BIN"
npx tsc -p tsconfig.build.json
exec npx tsx scripts/demo.ts
