#!/usr/bin/env bash
# Builds code-generation-only language hosts (pulumi-language-python, -go and -dotnet) from the
# Go module proxy into .cache/pulumi-sdkgen/v<version>/bin (ignored by git), so that
# `pulumi package gen-sdk --language python|go|dotnet` works with the CLI that pulumi-cli.sh
# builds. Used by scripts/gen-provider-sdks.sh; put the bin folder on PATH only for gen-sdk.
#
# - `pulumi package gen-sdk` asks the language host of each language for the code
#   (GeneratePackage). The upstream hosts are separate Go modules the module proxy does not
#   serve; the codegen packages they call are in github.com/pulumi/pulumi/pkg/v3, which it does.
#   The hosts here (scripts/bootstrap/sdkgen/*.go) serve GeneratePackage only: they cannot run
#   a Python, Go or .NET program.
# - Python and Go use pkg/v3 at the CLI's version (its modules are cached by the CLI build).
#   The .NET codegen left pkg/v3 after v3.225.1 (it lives in the pulumi-dotnet repository now,
#   whose modules the proxy does not serve), so the .NET host is its own module on v3.225.1.
# - Idempotent: a stamp of the recipe makes reruns a no-op; once built it needs no network.
#
# Progress goes to stderr; the last line on stdout is the bin folder.
set -euo pipefail

PULUMI_CLI_VERSION="${PULUMI_CLI_VERSION:-3.274.1}"
# The newest pkg/v3 on the module proxy that still has pkg/codegen/dotnet.
PULUMI_DOTNET_CODEGEN_VERSION="${PULUMI_DOTNET_CODEGEN_VERSION:-3.225.1}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${PULUMI_SDKGEN_CACHE:-$ROOT/.cache/pulumi-sdkgen}/v$PULUMI_CLI_VERSION"
BIN="$CACHE/bin"
SRC="$CACHE/src"
HOSTS="$ROOT/scripts/bootstrap/sdkgen"

log() { echo "[pulumi-sdkgen] $*" >&2; }

write_if_changed() { # path, content on stdin
  local tmp
  tmp="$(mktemp "$1.XXXXXX")"
  cat > "$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv -f "$tmp" "$1"; fi
}

# module dir, pkg/v3 version
write_module() {
  mkdir -p "$1"
  write_if_changed "$1/go.mod" <<EOF
module pulumi-ekm-sdkgen

go 1.25.6

require (
	github.com/pulumi/pulumi/pkg/v3 v$2
	github.com/pulumi/pulumi/sdk/v3 v$2
)

// Copied from pkg/go.mod (its other replace points at ../sdk, which the require above covers).
replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
EOF
}

# module dir, language
write_host() {
  mkdir -p "$1/$2"
  write_if_changed "$1/$2/host.go" < "$HOSTS/host.go"
  write_if_changed "$1/$2/gen_$2.go" < "$HOSTS/gen_$2.go"
}

mkdir -p "$BIN"
exec 9> "$CACHE/.lock"
flock 9 # one build at a time; a second caller waits and then finds it built

write_module "$SRC/current" "$PULUMI_CLI_VERSION"
write_host "$SRC/current" python
write_host "$SRC/current" go
write_module "$SRC/dotnet" "$PULUMI_DOTNET_CODEGEN_VERSION"
write_host "$SRC/dotnet" dotnet

LDFLAGS="-X main.version=$PULUMI_CLI_VERSION"
stamp="$({ cat "$SRC/current/go.mod" "$SRC/dotnet/go.mod" "$HOSTS"/*.go; echo "$LDFLAGS"; } \
  | sha256sum | cut -d' ' -f1)"
if [[ -x "$BIN/pulumi-language-python" && -x "$BIN/pulumi-language-go" \
  && -x "$BIN/pulumi-language-dotnet" && -f "$CACHE/.stamp" && "$(cat "$CACHE/.stamp")" == "$stamp" ]]; then
  echo "$BIN"
  exit 0
fi

GO="$(command -v go || true)"
if [[ -z "$GO" && -x /usr/local/go/bin/go ]]; then GO=/usr/local/go/bin/go; fi
if [[ -z "$GO" ]]; then
  log "error: go is not installed (needed once to build the code generators)"
  exit 1
fi

log "building codegen hosts for python, go (pkg/v3 v$PULUMI_CLI_VERSION) and dotnet (pkg/v3 v$PULUMI_DOTNET_CODEGEN_VERSION)…"
start=$SECONDS
export GOFLAGS="-mod=mod -buildvcs=false"
build() { # module dir, language
  (cd "$1" && "$GO" build -trimpath -p 2 -ldflags "$LDFLAGS" -o "$BIN/.pulumi-language-$2.tmp" "./$2")
  mv -f "$BIN/.pulumi-language-$2.tmp" "$BIN/pulumi-language-$2"
}
build "$SRC/current" python
build "$SRC/current" go
build "$SRC/dotnet" dotnet
echo "$stamp" > "$CACHE/.stamp"
log "built in $((SECONDS - start))s into $BIN"
echo "$BIN"
