#!/usr/bin/env bash
# Makes the ekm provider plugin's tarball, the layout `pulumi plugin install` expects:
#
#   pulumi plugin install resource ekm <version> --file pulumi-resource-ekm-v<version>.tar.gz
#
# installs it into ~/.pulumi/plugins/resource-ekm-v<version>/, where the engine runs its
# top-level executable `pulumi-resource-ekm` (provider/bin/pulumi-resource-ekm, which starts node
# on node_modules/pulumi-ekm/dist/provider/main.js). The tarball holds the package and its
# runtime dependencies (@pulumi/pulumi, zod), installed with npm; it needs Node 22+ on PATH where
# it runs, as a Node program does.
#
# Usage: scripts/plugin-tarball.sh [<pulumi-ekm npm tarball>] [<out dir>]
#   - without a tarball, `npm pack` packs this repository first;
#   - EKM_PLUGIN_WITH="@pulumi/aws@7.48.0 ..." adds packages (the components' cloud providers,
#     which `construct` loads on demand).
# Prints the path of the plugin tarball on stdout.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${2:-$ROOT/dist-plugin}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
log() { echo "[plugin-tarball] $*" >&2; }

version="$(node -p 'require(process.argv[1]).version' "$ROOT/package.json")"
sdk="$(node -p 'require(process.argv[1]).devDependencies["@pulumi/pulumi"]' "$ROOT/package.json")"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT

npm_tgz="${1:-}"
if [[ -z "$npm_tgz" ]]; then
  log "packing $ROOT"
  npm_tgz="$staging/$(cd "$ROOT" && npm pack --silent --pack-destination "$staging" | tail -n 1)"
fi
cp "$npm_tgz" "$staging/pulumi-ekm.tgz"
cat > "$staging/package.json" <<JSON
{ "name": "pulumi-resource-ekm", "version": "$version", "private": true,
  "dependencies": { "pulumi-ekm": "file:./pulumi-ekm.tgz", "@pulumi/pulumi": "$sdk" } }
JSON
log "installing pulumi-ekm $version with @pulumi/pulumi $sdk ${EKM_PLUGIN_WITH:-}"
# shellcheck disable=SC2086 # EKM_PLUGIN_WITH is a list of package specs
(cd "$staging" && npm install --omit=dev --no-audit --no-fund --ignore-scripts --loglevel=error ${EKM_PLUGIN_WITH:-} >&2)
rm -f "$staging/pulumi-ekm.tgz"
install -m 0755 "$ROOT/provider/bin/pulumi-resource-ekm" "$staging/pulumi-resource-ekm"
os="$(uname -s | tr '[:upper:]' '[:lower:]')"
arch="$(uname -m)"; case "$arch" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; esac
out="$OUT/pulumi-resource-ekm-v$version-$os-$arch.tar.gz"
tar -czf "$out" -C "$staging" .
log "wrote $out ($(du -h "$out" | cut -f1))"
echo "$out"
