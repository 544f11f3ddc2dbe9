#!/usr/bin/env bash
# Runs the Pulumi CLI against a stack kept on this machine: state in ./.pulumi-state (file backend) and
# secrets encrypted with a passphrase generated once into ./.pulumi-passphrase (mode 600). No Pulumi
# Cloud account is needed. Both files are git-ignored; back them up if the stack matters to you.
#   usage: scripts/local-stack.sh <stack> <pulumi command and flags...>
#   e.g.:  scripts/local-stack.sh dev up --yes
set -euo pipefail
cd "$(dirname "$0")/.."

stack=${1:?usage: scripts/local-stack.sh <stack> <pulumi args...>}
shift

if ! command -v pulumi >/dev/null 2>&1; then
  echo "ml-platform: the Pulumi CLI is not on PATH. Install it (https://www.pulumi.com/docs/install/)." >&2
  exit 127
fi
[ -d node_modules ] || npm ci --no-audit --no-fund

mkdir -p .pulumi-state
if [ ! -s .pulumi-passphrase ]; then
  (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("hex"))' > .pulumi-passphrase)
fi
export PULUMI_BACKEND_URL="file://$PWD/.pulumi-state"
export PULUMI_CONFIG_PASSPHRASE_FILE="$PWD/.pulumi-passphrase"
export PULUMI_SKIP_UPDATE_CHECK=true

pulumi stack select --create "$stack" >/dev/null
exec pulumi "$@" --stack "$stack"
