#!/usr/bin/env bash
# Installs the Python that the generated Python SDK of the ekm provider is tested with
# (provider-sdks/python, test/integration/provider-sdks/python.test.ts) into .venv/python-sdk
# (or PYTHON_SDK_VENV): the `pulumi` package from PyPI and setuptools, the SDK's build backend
# (its pyproject.toml), so that the test installs the SDK itself offline (--no-index
# --no-build-isolation). The SDK's other requirements (semver, packaging) come with `pulumi`.
# Progress goes to stderr; the last line on stdout is the path of the venv's python.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$ROOT/scripts/bootstrap/venv.sh"
# The newest `pulumi` on PyPI here; the Python SDK follows the CLI's release train a little behind.
PULUMI_PYTHON_VERSION="${PULUMI_PYTHON_VERSION:-3.272.0}"
SETUPTOOLS_VERSION="${SETUPTOOLS_VERSION:-84.2.1}"
pip_tool python-sdk "${PYTHON_SDK_VENV:-$ROOT/.venv/python-sdk}" \
  "pulumi==$PULUMI_PYTHON_VERSION setuptools==$SETUPTOOLS_VERSION" \
  "pulumi==$PULUMI_PYTHON_VERSION setuptools==$SETUPTOOLS_VERSION" python \
  python -c 'import pulumi, setuptools; from importlib.metadata import version; print("pulumi", version("pulumi"), "setuptools", setuptools.__version__)'
