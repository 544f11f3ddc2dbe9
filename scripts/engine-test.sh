#!/usr/bin/env bash
# The real Pulumi engine over the real program (npm run test:engine). Unit tests use mocks; this runs
# `pulumi preview` with the CLI and language host built by scripts/pulumi-tools.sh, a throwaway file backend
# and passphrase, in a scratch copy of the project (stack init must not touch the repo's stack files).
#
# What this machine can check: the project file, the stack files and the program as the engine loads them.
# The provider plugins for @pulumi/command and @pulumi/random cannot be built from the Go module proxy, so a
# dev preview stops at the first command resource; that stop is the only failure accepted here.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

if ! bin=$(bash scripts/pulumi-tools.sh | tail -n 1) || [ ! -x "$bin/pulumi" ]; then
  echo "=================================================================================="
  echo "ENGINE TEST NOT RUN: the Pulumi CLI could not be built here (scripts/pulumi-tools.sh failed)."
  echo "=================================================================================="
  exit 0
fi
export PATH="$bin:$PATH" PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PULUMI_BACKEND_URL="file://$work/state" PULUMI_CONFIG_PASSPHRASE="engine-test-$RANDOM$RANDOM"
mkdir -p "$work/state" "$work/project"
tar -C "$repo" --exclude=./node_modules --exclude=./.git --exclude=./.pulumi-state -cf - . | tar -C "$work/project" -xf -
ln -s "$repo/node_modules" "$work/project/node_modules"
cd "$work/project"

passed=0
failed=0
check() { # name, expected-regex, output
  if grep -Eq -- "$2" <<<"$3"; then passed=$((passed + 1)); echo "ok   - $1"; else failed=$((failed + 1)); echo "FAIL - $1 (expected /$2/)"; echo "$3" | tail -20; fi
}

# 1. Bad config fails in the program, before any resource, naming each key.
cat > Pulumi.engine-bad.yaml <<'YAML'
config:
  pulumi:disable-default-providers: [kubernetes]
  ml-platform:environment: staging
  ml-platform:cluster:
    provider: kind
    workers: 9
  ml-platform:components:
    lakehose: false
YAML
pulumi stack init engine-bad --non-interactive >/dev/null 2>&1
out=$(pulumi preview --stack engine-bad --non-interactive 2>&1)
check "bad config: the engine prints the config error's header line as the program wrote it" \
  '^ +error: Invalid configuration for stack "engine-bad" \(5 problems\); nothing was deployed:$' "$out"
check "bad config names a misspelled key with the one it resembles" \
  'ml-platform:components\.lakehose: got false; expected no such key: did you mean ml-platform:components\.lakehouse\?' "$out"
check "bad config names the environment key and value" 'ml-platform:environment: got "staging"; expected one of "dev"\|"prod"' "$out"
check "bad config names the workers key and value" 'ml-platform:cluster\.workers: got 9; expected a whole number from 0 to 5' "$out"
# The misspelled key is read as the one it resembles, so the rules across keys see the lakehouse off.
check "bad config applies the cross-key rules to the key as read" 'ml-platform:components\.compute: got true; expected false while ml-platform:components\.lakehouse is false' "$out"
check "bad config applies every rule on the lakehouse switch" 'ml-platform:components\.featureStore: got true; expected false while ml-platform:components\.lakehouse is false' "$out"
if grep -q "mlplatform:cluster:Cluster" <<<"$out"; then
  failed=$((failed + 1)); echo "FAIL - bad config still registered the Cluster"
else
  passed=$((passed + 1)); echo "ok   - bad config registers no component"
fi

# 2. A prod stack whose last deployment recorded another region: the program reads that record from the stack
#    itself (a StackReference to its own name) and refuses the change before registering anything.
cat > Pulumi.engine-prod.yaml <<'YAML'
config:
  pulumi:disable-default-providers: [kubernetes]
  ml-platform:environment: prod
  ml-platform:cluster: {provider: gke, project: acme-ml-prod, region: europe-west1}
  ml-platform:ingress: {domain: ml.acme.io, tls: {acme: {email: platform@acme.io}}, auth: basic}
YAML
pulumi stack init engine-prod --non-interactive >/dev/null 2>&1
stack_urn="urn:pulumi:engine-prod::ml-platform::pulumi:pulumi:Stack::ml-platform-engine-prod"
cat > deployed.json <<JSON
{"version": 3, "deployment": {"manifest": {"time": "2026-01-01T00:00:00Z", "magic": "", "version": ""}, "resources": [
  {"urn": "$stack_urn", "custom": false, "type": "pulumi:pulumi:Stack",
   "outputs": {"replacementTriggers": {"deployedEnvironment": "prod", "cluster.provider": "gke", "cluster.region": "europe-west4"}}}]}}
JSON
pulumi stack import --stack engine-prod --file deployed.json >/dev/null 2>&1
out=$(pulumi preview --stack engine-prod --non-interactive 2>&1)
check "prod: the engine prints the config error's header line as the program wrote it" \
  '^ +error: Invalid configuration for stack "engine-prod" \(1 problem\); nothing was deployed:$' "$out"
check "prod: a region other than the deployed one is refused by key, with both values" \
  'ml-platform:cluster\.region: got "europe-west1"; expected "europe-west4" as deployed: this replaces the GKE cluster' "$out"
if grep -q "mlplatform:cluster:Cluster" <<<"$out"; then
  failed=$((failed + 1)); echo "FAIL - the refused change still registered the Cluster"
else
  passed=$((passed + 1)); echo "ok   - the refused change registers no component"
fi

# 3. The dev stack: the program compiles under the engine's ts-node, validates, and builds the platform.
pulumi stack init dev --non-interactive >/dev/null 2>&1
out=$(pulumi preview --stack dev --non-interactive 2>&1)
status=$?
check "dev stack: the program runs and registers the Cluster" 'mlplatform:cluster:Cluster +cluster +create' "$out"
if [ $status -eq 0 ]; then
  passed=$((passed + 1)); echo "ok   - dev stack previews cleanly"
elif errors=$(grep -E '^ +error: ' <<<"$out" | sort -u) && ! grep -vqE "no resource plugin 'pulumi-resource-(command|random)' found" <<<"$errors"; then
  passed=$((passed + 1)); echo "ok   - dev preview stopped only at the provider plugins this machine cannot build:"; echo "$errors"
else
  failed=$((failed + 1)); echo "FAIL - dev preview failed for another reason:"; echo "$out" | tail -30
fi

echo "engine: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
