#!/usr/bin/env bash
# npm run test:alertmanager: checks the Alertmanager configuration the program generates, for every receiver type,
# with amtool, Alertmanager's own configuration checker, at the Alertmanager version kube-prometheus-stack deploys
# (components/versions.ts). amtool is built once from the Go module proxy into ~/.cache/ml-platform (a few minutes
# cold), like the Pulumi tools.
set -uo pipefail
cd "$(dirname "$0")/.."
AMTOOL_VERSION=v0.34.0
bin="${ML_PLATFORM_TOOLS_CACHE:-$HOME/.cache/ml-platform}/amtool-$AMTOOL_VERSION"
if [ ! -x "$bin/amtool" ]; then
  echo "building amtool $AMTOOL_VERSION into $bin" >&2
  if ! GOBIN="$bin" go install "github.com/prometheus/alertmanager/cmd/amtool@$AMTOOL_VERSION" >&2; then
    echo "alertmanager: amtool could not be built; nothing was checked" >&2
    exit 1
  fi
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npx tsx scripts/alertmanager-configs.ts "$work" || exit 1
passed=0
failed=0
for file in "$work"/*.yaml; do
  receiver=$(basename "$file" .yaml)
  # The receiver's secret file exists where Alertmanager mounts it; amtool only checks that the path is set.
  if out=$("$bin/amtool" check-config "$file" 2>&1); then
    passed=$((passed + 1)); echo "ok   - receiver $receiver"
  else
    failed=$((failed + 1)); echo "FAIL - receiver $receiver"; echo "$out"
  fi
done
echo "alertmanager: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
