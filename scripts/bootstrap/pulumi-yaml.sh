#!/usr/bin/env bash
# Builds the Pulumi YAML language host (pulumi-language-yaml) from the Go module proxy into
# .cache/pulumi/yaml-v<version>/bin (ignored by git), for the end-to-end test that runs a Pulumi
# YAML program against the ekm provider plugin.
#
# - A `pulumi-language-yaml` already on PATH wins: its folder is printed and nothing is built
#   (PULUMI_YAML_FORCE_BUILD=1 builds anyway).
# - The host is github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml at a tagged version,
#   built through a small wrapper module (`go get` pins it and its dependencies, then
#   `go build`): about 80 s with a warm module cache.
# - Idempotent: a stamp of the recipe makes reruns a no-op; once built it needs no network.
#
# Progress goes to stderr; the last line on stdout is the bin folder to put on PATH.
set -euo pipefail

PULUMI_YAML_VERSION="${PULUMI_YAML_VERSION:-1.25.0}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${PULUMI_CLI_CACHE:-$ROOT/.cache/pulumi}/yaml-v$PULUMI_YAML_VERSION"
BIN="$CACHE/bin"
SRC="$CACHE/src"
MODULE="github.com/pulumi/pulumi-yaml"

log() { echo "[pulumi-yaml] $*" >&2; }

if [[ "${PULUMI_YAML_FORCE_BUILD:-}" != 1 ]] && command -v pulumi-language-yaml >/dev/null 2>&1; then
  dir="$(dirname "$(command -v pulumi-language-yaml)")"
  log "using pulumi-language-yaml already on PATH in $dir"
  echo "$dir"
  exit 0
fi

mkdir -p "$BIN" "$SRC"
exec 9> "$CACHE/.lock"
flock 9 # one build at a time; a second caller waits and then finds it built

LDFLAGS="-X $MODULE/pkg/version.Version=v$PULUMI_YAML_VERSION"
stamp="$(echo "$MODULE@v$PULUMI_YAML_VERSION $LDFLAGS" | sha256sum | cut -d' ' -f1)"
if [[ -x "$BIN/pulumi-language-yaml" && -f "$CACHE/.stamp" && "$(cat "$CACHE/.stamp")" == "$stamp" ]]; then
  echo "$BIN"
  exit 0
fi

GO="$(command -v go || true)"
if [[ -z "$GO" && -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go; fi
if [[ -z "$GO" ]]; then
  log "error: go is not installed (needed once to build the Pulumi YAML language host)"
  exit 1
fi

log "building pulumi-language-yaml v$PULUMI_YAML_VERSION from Go modules (about 80 s with a warm module cache)…"
start=$SECONDS
export GOFLAGS="-mod=mod -buildvcs=false"
cd "$SRC"
rm -f go.mod go.sum
"$GO" mod init pulumi-ekm-yaml-bootstrap >/dev/null 2>&1
"$GO" get "$MODULE@v$PULUMI_YAML_VERSION" >&2
"$GO" build -trimpath -p 2 -ldflags "$LDFLAGS" -o "$BIN/.pulumi-language-yaml.tmp" "$MODULE/cmd/pulumi-language-yaml"
mv -f "$BIN/.pulumi-language-yaml.tmp" "$BIN/pulumi-language-yaml"
echo "$stamp" > "$CACHE/.stamp"
log "built pulumi-language-yaml v$PULUMI_YAML_VERSION in $((SECONDS - start))s into $BIN"
echo "$BIN"
