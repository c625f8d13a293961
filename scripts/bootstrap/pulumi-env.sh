# shellcheck shell=bash
# Source this file (`. scripts/bootstrap/pulumi-env.sh`) to run the Pulumi CLI offline:
# it builds the CLI if needed (pulumi-cli.sh), puts its folder first on PATH and turns off
# update checks and plugin downloads. It sets no backend URL and no passphrase: each test
# sets PULUMI_BACKEND_URL=file://<tmp> and PULUMI_CONFIG_PASSPHRASE itself.
__pulumi_env_dir="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")" && pwd)"
if __pulumi_env_bin="$(bash "$__pulumi_env_dir/pulumi-cli.sh" | tail -n 1)" && [[ -n "$__pulumi_env_bin" ]]; then
  case ":$PATH:" in
    ":$__pulumi_env_bin:"*) ;;
    *) PATH="$__pulumi_env_bin:$PATH" ;;
  esac
  export PATH
  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
  unset __pulumi_env_dir __pulumi_env_bin
else
  echo "[pulumi-env] could not set up the Pulumi CLI (see the errors above)" >&2
  unset __pulumi_env_dir __pulumi_env_bin
  return 1 2>/dev/null || exit 1
fi
