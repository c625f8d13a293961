#!/usr/bin/env bash
# Builds the Pulumi CLI and a Node.js language host from the Go module proxy into
# .cache/pulumi/v<version>/bin (ignored by git), next to the pulumi-resource-pulumi-nodejs
# launcher shipped in node_modules/@pulumi/pulumi. See DESIGN.md §6.
#
# - A `pulumi` and `pulumi-language-nodejs` already on PATH win: their folder is printed
#   and nothing is built (PULUMI_CLI_FORCE_BUILD=1 builds anyway).
# - The CLI is github.com/pulumi/pulumi/pkg/v3/cmd/pulumi at the version of the pinned npm
#   @pulumi/pulumi, built through a small wrapper module (pkg/go.mod has `replace` lines,
#   so `go install pkg@version` refuses).
# - The upstream language host module (github.com/pulumi/pulumi/sdk/nodejs/cmd/
#   pulumi-language-nodejs/v3) has no tags and the module proxy serves no version of it,
#   so the wrapper module carries a small host written against sdk/v3's generated gRPC
#   stubs (scripts/bootstrap/langhost/main.go). It starts `node @pulumi/pulumi/cmd/run` for
#   programs and `@pulumi/pulumi/cmd/run-policy-pack` for policy packs the way upstream does.
# - Idempotent: a stamp per binary (.stamp-cli, .stamp-langhost) makes reruns a no-op, and a
#   change to the host rebuilds only the host; once built it needs no network.
#
# Progress goes to stderr; the last line on stdout is the bin folder to put first on PATH.
set -euo pipefail

# The newest pkg/v3 the Go module proxy serves; the npm @pulumi/pulumi may be a little newer.
PULUMI_CLI_VERSION="${PULUMI_CLI_VERSION:-3.274.1}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${PULUMI_CLI_CACHE:-$ROOT/.cache/pulumi}/v$PULUMI_CLI_VERSION"
BIN="$CACHE/bin"
SRC="$CACHE/src"
NPM_SDK="$ROOT/node_modules/@pulumi/pulumi"

log() { echo "[pulumi-cli] $*" >&2; }

if [[ "${PULUMI_CLI_FORCE_BUILD:-}" != 1 ]] \
  && command -v pulumi >/dev/null 2>&1 && command -v pulumi-language-nodejs >/dev/null 2>&1; then
  dir="$(dirname "$(command -v pulumi)")"
  log "using pulumi $(pulumi version 2>/dev/null || echo "(unknown version)") already on PATH in $dir"
  echo "$dir"
  exit 0
fi

# Copies the launcher scripts of @pulumi/pulumi (pulumi-resource-pulumi-nodejs for dynamic
# providers, and any other pulumi-resource-*/pulumi-analyzer-*) next to the CLI.
copy_launchers() {
  if [[ ! -d "$NPM_SDK" ]]; then
    log "warning: $NPM_SDK is missing (run npm ci); dynamic providers need its launcher scripts"
    return 0
  fi
  local f name
  for f in "$NPM_SDK"/pulumi-resource-* "$NPM_SDK"/pulumi-analyzer-*; do
    [[ -f "$f" ]] || continue
    name="$(basename "$f")"
    [[ "$name" == *.cmd ]] && continue
    if ! cmp -s "$f" "$BIN/$name"; then
      install -m 0755 "$f" "$BIN/$name"
    fi
  done
  local npm_version
  npm_version="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$NPM_SDK/package.json" | head -n 1)"
  if [[ -n "$npm_version" && "$npm_version" != "$PULUMI_CLI_VERSION" ]]; then
    log "warning: npm @pulumi/pulumi is $npm_version but the CLI is $PULUMI_CLI_VERSION"
  fi
}

write_if_changed() { # path, content on stdin
  local tmp
  tmp="$(mktemp "$1.XXXXXX")"
  cat > "$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv -f "$tmp" "$1"; fi
}

mkdir -p "$BIN" "$SRC/langhost"
exec 9> "$CACHE/.lock"
flock 9 # one build at a time; a second caller waits and then finds it built

write_if_changed "$SRC/go.mod" <<EOF
module pulumi-ekm-bootstrap

go 1.25.11

require (
	github.com/pulumi/pulumi/pkg/v3 v$PULUMI_CLI_VERSION
	github.com/pulumi/pulumi/sdk/v3 v$PULUMI_CLI_VERSION
)

// Copied from pkg/go.mod (its other replace points at ../sdk, which the require above covers).
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
EOF

write_if_changed "$SRC/langhost/main.go" < "$ROOT/scripts/bootstrap/langhost/main.go"

LDFLAGS_CLI="-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_CLI_VERSION"
LDFLAGS_HOST="-X main.version=$PULUMI_CLI_VERSION"
# One stamp per binary, so a change to the language host rebuilds only the host (seconds), not
# the CLI (minutes). `.stamp` is written last: it says both binaries are built.
cli_stamp="$({ cat "$SRC/go.mod"; echo "$LDFLAGS_CLI"; } | sha256sum | cut -d' ' -f1)"
host_stamp="$({ cat "$SRC/go.mod" "$SRC/langhost/main.go"; echo "$LDFLAGS_HOST"; } | sha256sum | cut -d' ' -f1)"
stamp="$(echo "$cli_stamp $host_stamp" | sha256sum | cut -d' ' -f1)"

fresh() { # binary, stamp file, expected stamp
  [[ -x "$1" && -f "$2" && "$(cat "$2")" == "$3" ]]
}

if fresh "$BIN/pulumi" "$CACHE/.stamp-cli" "$cli_stamp" \
  && fresh "$BIN/pulumi-language-nodejs" "$CACHE/.stamp-langhost" "$host_stamp" \
  && [[ -f "$CACHE/.stamp" && "$(cat "$CACHE/.stamp")" == "$stamp" ]]; then
  copy_launchers
  echo "$BIN"
  exit 0
fi

GO="$(command -v go || true)"
if [[ -z "$GO" && -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go; fi
if [[ -z "$GO" ]]; then
  log "error: go is not installed (needed once to build the Pulumi CLI)"
  exit 1
fi

start=$SECONDS
export GOFLAGS="-mod=mod -buildvcs=false"
cd "$SRC"
rm -f "$CACHE/.stamp"
if ! fresh "$BIN/pulumi" "$CACHE/.stamp-cli" "$cli_stamp"; then
  log "building pulumi v$PULUMI_CLI_VERSION from Go modules (first run takes several minutes)…"
  "$GO" build -trimpath -p 2 -ldflags "$LDFLAGS_CLI" -o "$BIN/.pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  mv -f "$BIN/.pulumi.tmp" "$BIN/pulumi"
  echo "$cli_stamp" > "$CACHE/.stamp-cli"
fi
if ! fresh "$BIN/pulumi-language-nodejs" "$CACHE/.stamp-langhost" "$host_stamp"; then
  log "building pulumi-language-nodejs (scripts/bootstrap/langhost/main.go)…"
  "$GO" build -trimpath -p 2 -ldflags "$LDFLAGS_HOST" -o "$BIN/.pulumi-language-nodejs.tmp" ./langhost
  mv -f "$BIN/.pulumi-language-nodejs.tmp" "$BIN/pulumi-language-nodejs"
  echo "$host_stamp" > "$CACHE/.stamp-langhost"
fi
echo "$stamp" > "$CACHE/.stamp"
copy_launchers
log "built $("$BIN/pulumi" version) in $((SECONDS - start))s into $BIN"
echo "$BIN"
