#!/usr/bin/env bash
# scripts/e2e-tools.sh — assemble, OUTSIDE the repository, every tool the real-engine end-to-end test
# (scripts/e2e.sh, `npm run test:e2e`) needs, and report what was found, what was built and what is missing.
#
# Usage:
#   scripts/e2e-tools.sh [--only a,b,...] [--check]
#     --check   build nothing; only report (exit 1 when a required tool is missing)
#     --only    restrict to some of: pulumi kubernetes random command helm kube etcd gcp azure-native
#   stdout: the bin directory holding every tool (nothing on failure); the report goes to stderr.
#
# Everything lands in ${ML_PLATFORM_E2E_CACHE:-$HOME/.cache/ml-platform/e2e-tools}/bin:
#   pulumi, pulumi-language-nodejs   from scripts/pulumi-tools.sh (Go module proxy), hard-linked here
#   pulumi-resource-kubernetes       the version scripts/pulumi-tools.sh builds (see KUBERNETES_PLUGIN below)
#   pulumi-resource-random 4.21.1    built from a source tree of github.com/pulumi/pulumi-random at tag v4.21.1
#   pulumi-resource-command 1.2.1    built from a source tree of github.com/pulumi/pulumi-command at tag v1.2.1
#   helm 3.22.0                      `go install helm.sh/helm/v3/cmd/helm@v3.22.0` (Go module proxy)
#   kube-apiserver, kube-controller-manager,
#   kubectl 1.37.2                   a throwaway module requiring k8s.io/kubernetes v1.37.2 with `replace`
#                                    lines for its staging modules at v0.37.2 (Go module proxy)
#   etcd 3.7.0                       a throwaway module whose main calls etcdmain.Main (the etcd version
#                                    k8s.io/kubernetes v1.37.2 itself requires)
#   pulumi-resource-gcp 9.34.0       scripts/e2e-plugin-gcp.sh: pulumi-gcp at tag v9.34.0 (GCP_SRC) with its `upstream`,
#                                    terraform-provider-google-beta at the commit the submodule names (GCP_UPSTREAM_SRC),
#                                    patched, schema regenerated with its tfgen, then built (optional: cloud stacks only)
# The provider plugins are also registered in the plugin cache ($PULUMI_HOME/plugins) with
# `pulumi plugin install resource <name> <version> --file <binary>`, which is how the CLI finds them.
#
# Source trees for the plugins the Go module proxy does not serve (their provider modules are untagged):
#   RANDOM_SRC=<dir>   a checkout/export of github.com/pulumi/pulumi-random at tag v4.21.1
#   COMMAND_SRC=<dir>  a checkout/export of github.com/pulumi/pulumi-command at tag v1.2.1
# How to obtain them (any one):
#   git clone --depth 1 --branch v4.21.1 https://github.com/pulumi/pulumi-random  "$RANDOM_SRC"
#   git clone --depth 1 --branch v1.2.1  https://github.com/pulumi/pulumi-command "$COMMAND_SRC"
#   or, from a bare mirror:  git --git-dir=<mirror> archive v4.21.1 | tar -x -C "$RANDOM_SRC"
# When unset, these defaults are tried: $ML_PLATFORM_E2E_CACHE/src/pulumi-random-v4.21.1 and
# .../src/pulumi-command-v1.2.1, then the bare mirrors /work/.mirror/pulumi+pulumi-{random,command}
# (exported there at the tag). Their Go dependencies come from the Go module proxy.
#
# gcp: see scripts/e2e-plugin-gcp.sh for its steps and inputs (GCP_SRC, GCP_UPSTREAM_SRC; by default exported from the
# bare mirrors /work/.mirror/{pulumi+pulumi-gcp,hashicorp+terraform-provider-google-beta}/repo).
# azure-native 3.18.0 is only reported (found in the plugin cache or missing): its provider embeds a schema and metadata
# that its codegen (pulumi-gen-azure-native) generates from the azure-rest-api-specs submodule (every
# specification/*/resource-manager JSON; that repository is a 1.29 GB snapshot and pulumi-azure-native's own 1.83 GB,
# both over what can be fetched here; the Go module proxy refuses the provider module), which this script does
# not attempt. The e2e test previews the AKS stack only as far as that allows.
#
# Cache: a warm run only checks files and takes seconds. Go's module and build caches are used as configured.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

# ============================ versions: the ONE place ============================
K8S_VERSION=1.37.2          # k8s.io/kubernetes; staging modules at v0.${minor}.${patch}
ETCD_VERSION=3.7.0          # what k8s.io/kubernetes v1.37.2 requires (go.etcd.io/etcd/server/v3)
HELM_VERSION=3.22.0
RANDOM_VERSION=4.21.1
COMMAND_VERSION=1.2.1
GCP_VERSION=9.34.0
AZURE_NATIVE_VERSION=3.18.0
# ================================================================================

CACHE="${ML_PLATFORM_E2E_CACHE:-$HOME/.cache/ml-platform/e2e-tools}"
BIN="$CACHE/bin"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true

ONLY=""
CHECK=0
while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY=",$2,"; shift ;;
    --check) CHECK=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' >&2; exit 0 ;;
    *) echo "e2e-tools: unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
want() { [ -z "$ONLY" ] || [[ "$ONLY" == *",$1,"* ]]; }

log() { printf 'e2e-tools: %s\n' "$*" >&2; }
REPORT=()
MISSING_REQUIRED=0
report() { # status name version detail
  REPORT+=("$(printf '%-8s %-28s %-8s %s' "$1" "$2" "$3" "${4:-}")")
  if [ "$1" = missing ] && [ "${5:-required}" = required ]; then MISSING_REQUIRED=1; fi
}

command -v go >/dev/null 2>&1 || { [ -x /usr/local/go/bin/go ] && PATH="/usr/local/go/bin:$PATH"; } || true
export GOPROXY="${GOPROXY:-https://proxy.golang.org}"
export GOFLAGS="-mod=mod -buildvcs=false"
export CGO_ENABLED=0
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
NICE="nice -n 15"
mkdir -p "$BIN" "$CACHE/build" "$CACHE/src"

# link SRC NAME: hard link into $BIN (same fs), else copy.
link() {
  [ "$(readlink -f "$1")" = "$(readlink -f "$BIN/$2" 2>/dev/null || true)" ] && return 0
  rm -f "$BIN/$2"; ln "$1" "$BIN/$2" 2>/dev/null || cp "$1" "$BIN/$2"
}

# ---------------------------------------------------------------- kube-apiserver, kube-controller-manager, kubectl
# kube-controller-manager runs the namespace controller and the garbage collector, without which a deleted Namespace
# stays Terminating and objects with ownerReferences are never collected: `destroy` could not be checked.
KUBE_BINARIES=(kube-apiserver kube-controller-manager kubectl)
ensure_kube() {
  local minor patch stage out="$CACHE/kubernetes-$K8S_VERSION" b todo=()
  for b in "${KUBE_BINARIES[@]}"; do [ -x "$out/$b" ] || todo+=("$b"); done
  if [ ${#todo[@]} -eq 0 ]; then
    for b in "${KUBE_BINARIES[@]}"; do link "$out/$b" "$b"; done
    report found kube-apiserver,controller-manager,kubectl "$K8S_VERSION" "$out"; return 0
  fi
  [ "$CHECK" = 1 ] && { report missing "${todo[*]}" "$K8S_VERSION" "run scripts/e2e-tools.sh"; return 0; }
  minor=$(cut -d. -f2 <<<"$K8S_VERSION"); patch=$(cut -d. -f3 <<<"$K8S_VERSION")
  stage="v0.$minor.$patch"
  local dir="$CACHE/build/kubernetes-$K8S_VERSION"
  mkdir -p "$dir"
  log "building ${todo[*]} $K8S_VERSION (Go module proxy; ~20 min cold on 2 cores) in $dir"
  (
    set -e
    cd "$dir"
    printf 'module ml-platform.local/e2e-kube\n\ngo 1.26\n' > go.mod
    go mod edit -require="k8s.io/kubernetes@v$K8S_VERSION"
    # k8s.io/kubernetes replaces every staging module with ./staging/src/...; point those at the published
    # v0.x of the same release instead.
    local gomod
    gomod=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')
    go mod edit -json "$gomod" | grep -o '"Path": "k8s.io/[^"]*"' | sed 's/"Path": "//; s/"$//' | sort -u |
      while read -r m; do
        [ "$m" = k8s.io/kubernetes ] && continue
        if grep -q "^	$m => ./staging" "$gomod"; then go mod edit -replace="$m=$m@$stage"; fi
      done
    { printf '//go:build tools\n\npackage tools\n\nimport (\n'
      for b in "${KUBE_BINARIES[@]}"; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$b"; done
      printf ')\n'; } > tools.go
    $NICE go mod tidy || exit 1
    local ld="-s -w"
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ld="$ld -X $pkg.gitVersion=v$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
    done
    mkdir -p "$out"
    for b in "${todo[@]}"; do
      $NICE go build -trimpath -ldflags "$ld" -o "$out/$b.tmp" "k8s.io/kubernetes/cmd/$b" || exit 1
      mv -f "$out/$b.tmp" "$out/$b"
    done
  ) >&2 || { report missing "${todo[*]}" "$K8S_VERSION" "build failed (see above)"; return 0; }
  for b in "${KUBE_BINARIES[@]}"; do link "$out/$b" "$b"; done
  report built kube-apiserver,controller-manager,kubectl "$K8S_VERSION" "$out"
}

# ---------------------------------------------------------------- etcd
ensure_etcd() {
  local out="$CACHE/etcd-$ETCD_VERSION" dir="$CACHE/build/etcd-$ETCD_VERSION"
  if [ -x "$out/etcd" ]; then link "$out/etcd" etcd; report found etcd "$ETCD_VERSION" "$out"; return 0; fi
  [ "$CHECK" = 1 ] && { report missing etcd "$ETCD_VERSION" "run scripts/e2e-tools.sh"; return 0; }
  log "building etcd $ETCD_VERSION (Go module proxy) in $dir"
  mkdir -p "$dir"
  (
    cd "$dir"
    printf 'module ml-platform.local/e2e-etcd\n\ngo 1.26\n' > go.mod
    printf 'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n' > main.go
    go mod edit -require="go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
    $NICE go mod tidy || exit 1
    mkdir -p "$out"
    $NICE go build -trimpath -ldflags "-s -w" -o "$out/etcd.tmp" .
    mv -f "$out/etcd.tmp" "$out/etcd"
  ) >&2 || { report missing etcd "$ETCD_VERSION" "build failed (see above)"; return 0; }
  link "$out/etcd" etcd; report built etcd "$ETCD_VERSION" "$out"
}

# ---------------------------------------------------------------- pulumi CLI + language host + kubernetes plugin
# scripts/pulumi-tools.sh builds them from the Go module proxy into its own cache; they are hard-linked here.
PULUMI_TOOLS_BIN=""
ensure_pulumi() {
  local out
  if [ "$CHECK" = 1 ]; then
    out="${ML_PLATFORM_TOOLS_CACHE:-$HOME/.cache/ml-platform/pulumi-tools}/bin"
    [ -x "$out/pulumi" ] || { report missing pulumi "" "run scripts/pulumi-tools.sh"; return 0; }
  else
    out=$(bash "$REPO/scripts/pulumi-tools.sh") || { report missing pulumi "" "scripts/pulumi-tools.sh failed"; return 0; }
  fi
  PULUMI_TOOLS_BIN=$out
  link "$out/pulumi" pulumi; link "$out/pulumi-language-nodejs" pulumi-language-nodejs
  report found pulumi,pulumi-language-nodejs "$("$BIN/pulumi" version 2>/dev/null | tr -d v)" "$out (scripts/pulumi-tools.sh)"
}

# The plugin cache the e2e test uses (never the user's ~/.pulumi): plugins are registered here.
E2E_PULUMI_HOME="$CACHE/pulumi-home"
# register NAME VERSION BINARY
register_plugin() {
  local dir="$E2E_PULUMI_HOME/plugins/resource-$1-v$2"
  if [ -x "$dir/pulumi-resource-$1" ] && [ "$(stat -c %i "$dir/pulumi-resource-$1")" = "$(stat -c %i "$3")" ]; then return 0; fi
  PULUMI_HOME="$E2E_PULUMI_HOME" "$BIN/pulumi" plugin install resource "$1" "$2" --file "$3" >&2
  # hard link instead of the copy `plugin install` made (no extra 100+ MB per plugin)
  ln -f "$3" "$dir/pulumi-resource-$1" 2>/dev/null || true
}

# The kubernetes plugin. The npm SDK pinned in package.json (@pulumi/kubernetes 4.25.0) asks the engine for exactly its
# own version, which scripts/pulumi-tools.sh builds (4.33.0 has no tag and no schema.json at any tag to build it from,
# so the SDK is pinned to 4.25.0). Should they differ, the built plugin is registered under the SDK's version in the
# e2e-only plugin cache as a STAND-IN, and the report says so.
ensure_kubernetes() {
  local built_ver bin sdk
  built_ver=$(bash "$REPO/scripts/pulumi-tools.sh" --print-versions | sed -n 's/^pulumi-resource-kubernetes //p')
  bin="${ML_PLATFORM_TOOLS_CACHE:-$HOME/.cache/ml-platform/pulumi-tools}/pulumi-resource-kubernetes-$built_ver/bin/pulumi-resource-kubernetes"
  sdk=$(node -p 'require("./node_modules/@pulumi/kubernetes/package.json").version' 2>/dev/null || echo "")
  [ -x "$bin" ] || { report missing pulumi-resource-kubernetes "$built_ver" "run scripts/pulumi-tools.sh"; return 0; }
  [ -x "$BIN/pulumi" ] || { report missing pulumi-resource-kubernetes "$built_ver" "no pulumi CLI to register it"; return 0; }
  register_plugin kubernetes "$built_ver" "$bin"
  if [ -n "$sdk" ] && [ "$sdk" != "$built_ver" ]; then
    register_plugin kubernetes "$sdk" "$bin"
    report found pulumi-resource-kubernetes "$built_ver" "STAND-IN: registered as $sdk (the npm SDK's version) in $E2E_PULUMI_HOME only"
  else
    report found pulumi-resource-kubernetes "$built_ver" "$bin"
  fi
}

# ---------------------------------------------------------------- helm
ensure_helm() {
  local out="$CACHE/helm-$HELM_VERSION"
  if [ -x "$out/helm" ]; then link "$out/helm" helm; report found helm "$HELM_VERSION" "$out"; return 0; fi
  [ "$CHECK" = 1 ] && { report missing helm "$HELM_VERSION" "run scripts/e2e-tools.sh"; return 0; }
  log "building helm $HELM_VERSION (go install from the Go module proxy)"
  mkdir -p "$out"
  (GOFLAGS=-buildvcs=false GOBIN="$out" $NICE go install -trimpath -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION" "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION") >&2 ||
    { report missing helm "$HELM_VERSION" "go install failed"; return 0; }
  link "$out/helm" helm; report built helm "$HELM_VERSION" "$out"
}

# ---------------------------------------------------------------- random / command plugins from source trees
# source_tree VAR NAME REPO TAG -> prints a directory holding the tree of github.com/REPO at TAG: $VAR if set, else
# $CACHE/src/NAME-TAG, else exported there from the bare mirror ${MIRRORS:-/work/.mirror}/<owner>+<name>/repo.
source_tree() {
  local var="$1" name="$2" repo="$3" tag="$4" dir gitdir
  if [ -n "${!var:-}" ]; then echo "${!var}"; return 0; fi
  dir="$CACHE/src/$name-$tag"
  if [ -d "$dir" ] && [ -f "$dir/.complete" ]; then echo "$dir"; return 0; fi
  gitdir="${MIRRORS:-/work/.mirror}/${repo/\//+}/repo"
  git --git-dir="$gitdir" rev-parse -q --verify "$tag^{commit}" >/dev/null 2>&1 || return 1
  rm -rf "$dir"; mkdir -p "$dir"
  git --git-dir="$gitdir" archive "$tag" | tar -x -C "$dir" && touch "$dir/.complete" && echo "$dir"
}

# build_bridged_plugin NAME VERSION SRC VERSION_VAR [generate]: build provider/cmd/pulumi-resource-NAME of the tree SRC
build_plugin() {
  local name="$1" ver="$2" src="$3" verpkg="$4" gen="${5:-}" out="$CACHE/pulumi-resource-$name-$ver"
  (
    cd "$src/provider"
    # Modules the Go module proxy refuses (403) at the pseudo-versions the tree pins come from their own source
    # trees at those exact commits (see REPLACE_FROM_SOURCE).
    local r mod pv var commit repo sub tree
    for r in "${REPLACE_FROM_SOURCE[@]}"; do
      read -r mod repo sub var <<<"$r"; [ "$sub" = - ] && sub=""
      pv=$(go mod edit -json | grep -A1 "\"Path\": \"$mod\"" | sed -n 's/.*"Version": "\(.*\)".*/\1/p' | head -1)
      [ -n "$pv" ] || continue
      commit=${pv##*-}
      tree=$(source_tree "$var" "${repo#*/}" "$repo" "$commit") ||
        { echo "need github.com/$repo at commit $commit for $mod $pv (set $var)"; exit 1; }
      go mod edit -replace="$mod=$tree${sub:+/$sub}"
    done
    if [ -n "$gen" ]; then VERSION="$ver" $NICE go generate "./cmd/pulumi-resource-$name/main.go"; fi
    mkdir -p "$out"
    $NICE go build -trimpath -ldflags "-s -w -X $verpkg=$ver" -o "$out/pulumi-resource-$name.tmp" "./cmd/pulumi-resource-$name"
    mv -f "$out/pulumi-resource-$name.tmp" "$out/pulumi-resource-$name"
  ) >&2
}
# "<module> <github owner/name> <subdir of the module in that repo> <env var naming a source tree>"
REPLACE_FROM_SOURCE=(
  "github.com/pulumi/pulumi-yaml pulumi/pulumi-yaml - YAML_SRC"
  "github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3 pulumi/pulumi-dotnet pulumi-language-dotnet DOTNET_SRC"
)

ensure_source_plugin() { # name version var repo tag version-var generate
  local name="$1" ver="$2" var="$3" repo="$4" tag="$5" verpkg="$6" gen="$7" out="$CACHE/pulumi-resource-$1-$2" src how=found
  if [ ! -x "$out/pulumi-resource-$name" ]; then
    [ "$CHECK" = 1 ] && { report missing "pulumi-resource-$name" "$ver" "run scripts/e2e-tools.sh with $var"; return 0; }
    src=$(source_tree "$var" "pulumi-$name" "$repo" "$tag") ||
      { report missing "pulumi-resource-$name" "$ver" "no source tree: set $var to github.com/$repo at $tag"; return 0; }
    log "building pulumi-resource-$name $ver from $src"
    build_plugin "$name" "$ver" "$src" "$verpkg" "$gen" || { report missing "pulumi-resource-$name" "$ver" "build failed (see above)"; return 0; }
    how=built
  fi
  [ -x "$BIN/pulumi" ] && register_plugin "$name" "$ver" "$out/pulumi-resource-$name"
  report "$how" "pulumi-resource-$name" "$ver" "$out (github.com/$repo@$tag)"
}

report_cloud() { # name version
  if [ -d "$E2E_PULUMI_HOME/plugins/resource-$1-v$2" ]; then report found "pulumi-resource-$1" "$2" "$E2E_PULUMI_HOME/plugins"
  else report missing "pulumi-resource-$1" "$2" "not built by this script (cloud stacks preview only as far as it allows)" optional; fi
}

# ---------------------------------------------------------------- main
if want pulumi; then ensure_pulumi; fi
if want kubernetes; then ensure_kubernetes; fi
if want random; then ensure_source_plugin random "$RANDOM_VERSION" RANDOM_SRC pulumi/pulumi-random "v$RANDOM_VERSION" \
  github.com/pulumi/pulumi-random/provider/v4/pkg/version.Version generate; fi
if want command; then ensure_source_plugin command "$COMMAND_VERSION" COMMAND_SRC pulumi/pulumi-command "v$COMMAND_VERSION" \
  github.com/pulumi/pulumi-command/provider/pkg/version.Version ""; fi
if want helm; then ensure_helm; fi
if want kube; then ensure_kube; fi
if want etcd; then ensure_etcd; fi
if want gcp; then source "$REPO/scripts/e2e-plugin-gcp.sh"; ensure_gcp; fi
if want azure-native; then report_cloud azure-native "$AZURE_NATIVE_VERSION"; fi

log "report (cache $CACHE):"
for line in "${REPORT[@]}"; do log "  $line"; done
[ "$MISSING_REQUIRED" = 0 ] || exit 1
echo "$BIN"
