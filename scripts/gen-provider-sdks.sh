#!/usr/bin/env bash
# Generates the SDKs of the ekm provider for Python, Go and .NET from its Pulumi package schema
# (provider/schema.json, or SCHEMA) with `pulumi package gen-sdk`, into provider-sdks/<language>
# or into the folder OUT (the staleness test generates into a temporary one).
#   bash scripts/gen-provider-sdks.sh [OUT [SCHEMA]]
# The .NET SDK's NuGet icon is provider-sdks/logo.png (see scripts/bootstrap/sdkgen/gen_dotnet.go).
# Needs the CLI (scripts/bootstrap/pulumi-cli.sh) and the codegen language hosts
# (scripts/bootstrap/pulumi-sdkgen.sh); both are built on first use.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/provider-sdks}"
SCHEMA="$(realpath "${2:-$ROOT/provider/schema.json}")"
read -ra LANGUAGES <<< "${PROVIDER_SDK_LANGUAGES:-python go dotnet}"
. "$ROOT/scripts/bootstrap/pulumi-env.sh"
SDKGEN_BIN="$(bash "$ROOT/scripts/bootstrap/pulumi-sdkgen.sh" | tail -n 1)"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
# gen-sdk reads nothing from a backend or the plugin cache for a schema file, but give it an
# empty PULUMI_HOME so that nothing of the user's (credentials, plugins) is read or written.
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
for lang in "${LANGUAGES[@]}"; do
  # The codegen hosts go first on PATH for this command only. The CLI warns that it uses a
  # language host from PATH rather than one shipped next to it, which is the point: dropped.
  status=0
  PATH="$SDKGEN_BIN:$PATH" PULUMI_HOME="$home" PULUMI_SDKGEN_LOGO_FILE="$ROOT/provider-sdks/logo.png" \
    pulumi package gen-sdk "$SCHEMA" --language "$lang" --out "$OUT" \
    > "$home/gen-sdk.log" 2>&1 || status=$?
  grep -v "using pulumi-language-$lang from \$PATH" "$home/gen-sdk.log" >&2 || true
  if [[ $status -ne 0 ]]; then
    echo "[gen-provider-sdks] pulumi package gen-sdk --language $lang exited with $status" >&2
    exit "$status"
  fi
done
echo "$OUT"
