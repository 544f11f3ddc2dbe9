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
# Files a repository marks `export-ignore` under the chart's charts/ (apache/airflow: its committed
#   chart/charts/postgresql-13.2.24.tgz) are taken from the tag too, as the chart's own release package has them.
# A chart whose repository cannot be mirrored here (apache/airflow: 1.27 GB, over the `fetch` limit) may instead come
#   from a local source named by <NAME>_CHART_SRC (AIRFLOW_CHART_SRC for airflow), used only when the mirror or its
#   tag is absent: either the chart directory at the pinned tag (`git archive helm-chart/1.22.0 chart` of a full
#   clone of github.com/apache/airflow, plus `git show helm-chart/1.22.0:chart/charts/postgresql-13.2.24.tgz` into
#   its charts/, which export-ignore leaves out of the archive), or the ASF release package airflow-1.22.0.tgz
#   (https://downloads.apache.org/airflow/helm-chart/1.22.0/, checked against its .sha512 and .asc before use).
#   The script checks what it is given: its Chart.yaml must name the pinned chart and version, and every dependency
#   it declares must be present in its charts/ (`helm dependency list`); it is copied to charts-src/<name>-<version>
#   (a release package is copied to the repository as it is), with where it came from in charts-src/<name>-<version>.source.
#   No copy of airflow 1.22.0 has been found that these sessions can fetch (see README "End-to-end test").
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

# local_chart NAME VERSION SRC WORK DEST: a chart directory or release package SRC checked against the pin (name,
# version, every declared dependency present), copied to WORK and packaged into DEST. stdout: what was done, or why not.
local_chart() {
  local name=$1 version=$2 src=$3 work=$4 dest=$5 meta deps got_name got_version
  if ! meta=$("$HELM" show chart "$src" 2>&1); then echo "helm show chart: $(tail -1 <<<"$meta")"; return 1; fi
  got_name=$(awk '/^name:/{print $2; exit}' <<<"$meta"); got_version=$(awk '/^version:/{print $2; exit}' <<<"$meta")
  if [ "$got_name" != "$name" ] || [ "$got_version" != "$version" ]; then
    echo "it is chart $got_name $got_version, the pin is $name $version"; return 1
  fi
  rm -rf "$work" "$work.source"; mkdir -p "$work"
  if [ -d "$src" ]; then cp -a "$src/." "$work/"; else tar -xzf "$src" -C "$work" --strip-components=1; fi
  deps=$("$HELM" dependency list "$work" 2>/dev/null | awk 'NR>1 && NF && $NF != "ok" && $NF != "unpacked" {print $1 " " $2 " (" $NF ")"}')
  if [ -n "$deps" ]; then echo "dependencies not in its charts/: $(tr '\n' ' ' <<<"$deps")"; return 1; fi
  { echo "source: $src"; echo "checked: Chart.yaml $got_name $got_version; dependencies: $("$HELM" dependency list "$work" 2>/dev/null | awk 'NR>1 && NF {printf "%s %s %s; ", $1, $2, $NF}')";
    if [ -d "$src" ]; then echo "packaged: helm package $work"; else echo "packaged: the release package as it is, sha256 $(sha256sum "$src" | cut -d' ' -f1)"; fi; } >"$work.source"
  if [ -d "$src" ]; then
    "$HELM" package "$work" -d "$dest" >&2 || { echo "helm package failed"; return 1; }
    echo "directory checked and packaged"
  else
    cp "$src" "$dest/$name-$version.tgz"; echo "release package checked and copied as it is"
  fi
}

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
  work="$CACHE/charts-src/$name-$version"
  if ! git --git-dir="$gitdir" rev-parse -q --verify "$tag^{commit}" >/dev/null 2>&1; then
    srcvar="$(tr 'a-z-' 'A-Z_' <<<"$name")_CHART_SRC"
    if [ -z "${!srcvar:-}" ]; then
      missing=$((missing + 1)); REPORT+=("missing  $name $version (no source: github.com/$repo at tag $tag not under $SRC, and $srcvar unset)"); continue
    fi
    if why=$(local_chart "$name" "$version" "${!srcvar}" "$work" "$dest"); then
      built=$((built + 1)); REPORT+=("built    $name $version (from $srcvar=${!srcvar}: $why)")
    else
      missing=$((missing + 1)); REPORT+=("missing  $name $version ($srcvar=${!srcvar} refused: $why)")
    fi
    continue
  fi
  rm -rf "$work"; mkdir -p "$work"
  git --git-dir="$gitdir" archive "$tag" "$path" | tar -x -C "$work"
  # export-ignore'd files under the chart's charts/ (vendored subcharts) are part of the chart at that tag.
  git --git-dir="$gitdir" ls-tree -r --name-only "$tag" -- "$path/charts/" | while read -r f; do
    [ -e "$work/$f" ] || { mkdir -p "$work/$(dirname "$f")"; git --git-dir="$gitdir" show "$tag:$f" >"$work/$f"; }
  done
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
