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

command -v node >/dev/null 2>&1 || { echo "ml-platform: Node.js 20+ is not on PATH (https://nodejs.org)." >&2; exit 127; }
[ -d node_modules ] || npm ci --no-audit --no-fund
# Every missing prerequisite at once, before any state is touched; host ports only matter to `up`.
ports=""
[ "${1:-}" = up ] && ports="--ports"
node scripts/prerequisites.mjs "Pulumi.$stack.yaml" $ports || exit 1

mkdir -p .pulumi-state
if [ ! -s .pulumi-passphrase ]; then
  (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("hex"))' > .pulumi-passphrase)
fi
export PULUMI_BACKEND_URL="file://$PWD/.pulumi-state"
export PULUMI_CONFIG_PASSPHRASE_FILE="$PWD/.pulumi-passphrase"
export PULUMI_SKIP_UPDATE_CHECK=true

pulumi stack select --create "$stack" >/dev/null
exec pulumi "$@" --stack "$stack"
