#!/usr/bin/env bash
# scripts/e2e-charts.sh — a local Helm chart repository for the real-engine e2e test (scripts/e2e.sh), built from
# the charts' UPSTREAM SOURCES at the tags that components/versions.ts pins, packaged with `helm package`, with an
# index.yaml, in ${ML_PLATFORM_E2E_CACHE:-$HOME/.cache/ml-platform/e2e-tools}/charts (outside the repository).
#
# Usage: scripts/e2e-charts.sh [--check]    stdout: the charts directory; report on stderr.
#   --check  package nothing; exit 1 when a chart is missing from the cache.
# Sources: bare git mirrors named <owner>+<name>/repo under ${CHART_SOURCES:-/work/.mirror} (what the session's
#   `fetch github:<owner>/<name>` tool produces), or any clone: `git clone --bare https://github.com/<owner>/<name>
#   $CHART_SOURCES/<owner>+<name>/repo`. A chart whose source or tag is absent is reported missing.
# The e2e serves this directory on 127.0.0.1 and points the stacks' `mirror.chartRepository` at it, so every
# Helm release (the OCI-published KServe charts too) is installed from a chart built here.
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${ML_PLATFORM_E2E_CACHE:-$HOME/.cache/ml-platform/e2e-tools}"
OUT="$CACHE/charts"
SRC="${CHART_SOURCES:-/work/.mirror}"
HELM="${HELM:-$CACHE/bin/helm}"
CHECK=0; [ "${1:-}" = --check ] && CHECK=1
log() { printf 'e2e-charts: %s\n' "$*" >&2; }

# name version | repo tag path | version override (charts whose release tool stamps the version at release time)
# Subcharts are listed as "dep:<parent>:<name>" before their parent and go into its charts/ directory before packaging.
CHARTS=(
  "traefik 41.3.0|traefik/traefik-helm-chart v41.3.0 traefik|"
  "cert-manager v1.21.1|cert-manager/cert-manager v1.21.1 deploy/charts/cert-manager|v1.21.1"
  "strimzi-kafka-operator 1.2.0|strimzi/strimzi-kafka-operator 1.2.0 helm-charts/helm3/strimzi-kafka-operator|1.2.0"
  "trino 1.42.2|trinodb/charts trino-1.42.2 charts/trino|"
  "dep:kube-prometheus-stack:kube-state-metrics 8.4.0|prometheus-community/helm-charts kube-state-metrics-8.4.0 charts/kube-state-metrics|"
  "dep:kube-prometheus-stack:prometheus-node-exporter 4.56.1|prometheus-community/helm-charts prometheus-node-exporter-4.56.1 charts/prometheus-node-exporter|"
  "dep:kube-prometheus-stack:prometheus-windows-exporter 0.12.8|prometheus-community/helm-charts prometheus-windows-exporter-0.12.8 charts/prometheus-windows-exporter|"
  "dep:kube-prometheus-stack:grafana 12.11.1|grafana-community/helm-charts grafana-12.11.1 charts/grafana|"
  "kube-prometheus-stack 88.5.3|prometheus-community/helm-charts kube-prometheus-stack-88.5.3 charts/kube-prometheus-stack|"
  "spark-operator 2.5.2|kubeflow/spark-operator v2.5.2 charts/spark-operator-chart|"
  "kuberay-operator 1.7.0|ray-project/kuberay v1.7.0 helm-chart/kuberay-operator|"
  "flink-kubernetes-operator 1.15.0|apache/flink-kubernetes-operator release-1.15.0 helm/flink-kubernetes-operator|"
  "metrics-server 3.13.1|kubernetes-sigs/metrics-server metrics-server-helm-chart-3.13.1 charts/metrics-server|"
  "valkey 0.11.0|valkey-io/valkey-helm valkey-0.11.0 valkey|"
  "kserve-crd v0.20.0|kserve/kserve v0.20.0 charts/kserve-crd|"
  "kserve-resources v0.20.0|kserve/kserve v0.20.0 charts/kserve-resources|"
  "kserve-runtime-configs v0.20.0|kserve/kserve v0.20.0 charts/kserve-runtime-configs|"
  "jupyterhub 4.4.0|jupyterhub/zero-to-jupyterhub-k8s 4.4.0 jupyterhub|4.4.0"
  "dex 0.24.0|dexidp/helm-charts dex-0.24.0 charts/dex|"
  "dep:oauth2-proxy:redis-ha 4.35.10|DandyDeveloper/charts redis-ha-4.35.10 charts/redis-ha|"
  "oauth2-proxy 10.7.0|oauth2-proxy/manifests oauth2-proxy-10.7.0 helm/oauth2-proxy|"
  "airflow 1.22.0|apache/airflow helm-chart/1.22.0 chart|"
)

mkdir -p "$OUT" "$CACHE/charts-src" "$CACHE/charts-deps"
missing=0; built=0; found=0
REPORT=()
for entry in "${CHARTS[@]}"; do
  IFS='|' read -r nv src override <<<"$entry"
  read -r name version <<<"$nv"; read -r repo tag path <<<"$src"
  parent=""; if [[ "$name" == dep:* ]]; then parent=${name#dep:}; name=${parent#*:}; parent=${parent%%:*}; fi
  dest="$OUT"; [ -n "$parent" ] && dest="$CACHE/charts-deps/$parent"; mkdir -p "$dest"
  tgz="$dest/$name-$version.tgz"
  if [ -f "$tgz" ]; then found=$((found + 1)); REPORT+=("found    $name $version"); continue; fi
  if [ $CHECK = 1 ]; then missing=$((missing + 1)); REPORT+=("missing  $name $version (run scripts/e2e-charts.sh)"); continue; fi
  gitdir="$SRC/${repo/\//+}/repo"
  if ! git --git-dir="$gitdir" rev-parse -q --verify "$tag^{commit}" >/dev/null 2>&1; then
    missing=$((missing + 1)); REPORT+=("missing  $name $version (no source: github.com/$repo at tag $tag not under $SRC)"); continue
  fi
  work="$CACHE/charts-src/$name-$version"
  rm -rf "$work"; mkdir -p "$work"
  git --git-dir="$gitdir" archive "$tag" "$path" | tar -x -C "$work"
  chartdir="$work/$path"
  if compgen -G "$CACHE/charts-deps/$name/*.tgz" >/dev/null; then
    mkdir -p "$chartdir/charts"
    cp "$CACHE/charts-deps/$name"/*.tgz "$chartdir/charts/"
  fi
  args=(package "$chartdir" -d "$dest")
  [ -n "$override" ] && args+=(--version "$override" --app-version "$override")
  if "$HELM" "${args[@]}" >&2; then
    built=$((built + 1)); REPORT+=("built    $name $version (github.com/$repo@$tag:$path${override:+; version stamped $override as its release tool does})")
  else
    missing=$((missing + 1)); REPORT+=("missing  $name $version (helm package failed)")
  fi
done
if [ $CHECK = 0 ]; then "$HELM" repo index "$OUT" >&2; fi
log "charts in $OUT: $found found, $built built, $missing missing"
for l in "${REPORT[@]}"; do log "  $l"; done
[ -f "$OUT/index.yaml" ] || exit 1
echo "$OUT"
