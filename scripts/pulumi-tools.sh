#!/usr/bin/env bash
# scripts/pulumi-tools.sh — make the Pulumi CLI, the Node.js language host and the
# provider plugins available WITHOUT downloading Pulumi release binaries: everything
# is built from source fetched through the Go module proxy (proxy.golang.org only,
# never a direct VCS fetch).
#
# Usage:
#   scripts/pulumi-tools.sh                  # locate or build; stdout = the bin dir (nothing on failure, exit 1)
#   scripts/pulumi-tools.sh --print-versions # print "name version" lines and exit
#   scripts/pulumi-tools.sh --with-cloud     # also try the optional cloud providers (see CLOUD_* below)
#
# Caller setup (stdout is only the directory to put on PATH; progress goes to stderr). On failure the script exits
# non-zero and prints nothing on stdout, so this line stops there instead of putting an empty entry on PATH:
#   bin=$(bash scripts/pulumi-tools.sh) && export PATH="$bin:$PATH"
#   export PULUMI_SKIP_UPDATE_CHECK=true                     # no GitHub/pulumi.com version check
#   export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true  # never try to download a plugin
#   export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true     # only matters with the Automation API; harmless
#   # optional: PULUMI_HOME (plugin cache location; must be the same when running the script
#   #   and when running pulumi). PULUMI_IGNORE_AMBIENT_PLUGINS may be set or not: nothing
#   #   here relies on PATH lookup of plugins.
#   # a local backend avoids pulumi.com, e.g. PULUMI_BACKEND_URL=file://<dir> PULUMI_CONFIG_PASSPHRASE=...
#
# How the CLI finds the plugins (verified with CLI 3.259.0, file backend, TS program):
#   * pulumi-language-nodejs is a hard link next to `pulumi` in the bin dir: the CLI's
#     "bundled plugin" lookup (dir of the running pulumi binary) finds it, with or
#     without the bin dir on PATH.
#   * provider plugins are registered in the plugin cache ($PULUMI_HOME/plugins, default
#     ~/.pulumi/plugins) with `pulumi plugin install resource <name> <ver> --file <bin>`
#     (then hard-linked to the built binary), so `pulumi plugin ls` lists them and the
#     version the npm SDK asks for is matched. They are deliberately NOT put on PATH:
#     an ambient pulumi-resource-* on PATH would be used for every version and makes
#     the CLI print "using pulumi-resource-<name> from $PATH" warnings.
#
# Cache: ${ML_PLATFORM_TOOLS_CACHE:-$HOME/.cache/ml-platform/pulumi-tools}/<tool>-<version>/bin/<tool>;
#        bin/ under the cache root holds hard links to the selected pulumi + language host.
#        Go's own module/build caches (GOMODCACHE, GOCACHE) are used as configured.
# Env knobs: ML_PLATFORM_TOOLS_CACHE, PULUMI_HOME, GOMODCACHE, GOCACHE,
#            PULUMI_TOOLS_FORCE_BUILD=1 (ignore a pulumi already on PATH).
set -euo pipefail

# ============================ versions: the ONE place ============================
# Pulumi CLI: Go module github.com/pulumi/pulumi/pkg/v3 (proxy serves up to v3.259.0).
# Matches npm @pulumi/pulumi 3.259.0.
PULUMI_VERSION=3.259.0

# Node.js language host. Its real module,
#   github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3,
# has no tags of its own, so the proxy serves no version of it (403 for v3.259.0 and
# for pseudo-versions). The newest proxy-served source is the package inside the SDK
# module github.com/pulumi/pulumi/sdk/v3 (it moved out after v3.68.0). The language
# host only spawns node on @pulumi/pulumi's own `cmd/run`; this older host was checked
# with CLI 3.259.0 + @pulumi/pulumi 3.259.0 (up/preview/destroy/about of a TS program,
# file backend, kubernetes provider rendering YAML). Newer language features that need a
# newer host (e.g. `pulumi install`-style dependency hooks, bun) may be missing.
NODEJS_LANGHOST_VERSION=3.68.0

# Providers: "<plugin name> <npm/plugin version> <go module> <go module version>".
# pulumi-kubernetes' provider module is untagged; the proxy serves only the
# pseudo-version of commit f47bc2d6f199, which IS the git tag v4.25.0 (zip contents
# checked against the tag's tree). Matches npm @pulumi/kubernetes 4.25.0.
# Its go.sum lines are pinned below because the checksum DB does not answer for it.
PROVIDERS=(
  "kubernetes 4.25.0 github.com/pulumi/pulumi-kubernetes/provider/v4 v4.0.0-20260115033456-f47bc2d6f199"
)
# Not buildable from the Go module proxy (no proxy-served version at any npm release):
#   random  (npm @pulumi/random;  github.com/pulumi/pulumi-random/provider/v4 untagged, and its
#            go.mod needs a local ./shim module that is not published at all)
#   command (npm @pulumi/command; github.com/pulumi/pulumi-command/provider untagged)
# If such a plugin is already installed (PATH or plugin cache) it is reported, else warned.
UNAVAILABLE_PROVIDERS=(random command)
# Optional (--with-cloud): same format as PROVIDERS. Empty, because neither is buildable here:
#   gcp (npm @pulumi/gcp 9.x): github.com/pulumi/pulumi-gcp/provider/v9 has no proxy-served
#     version (403 for v9.x tags and for the release commits' pseudo-versions), and its go.mod
#     replaces the forked TF provider with ../upstream (a git submodule, not a Go module).
#   azure-native (npm @pulumi/azure-native 3.x): github.com/pulumi/pulumi-azure-native/v3/provider
#     likewise 403, and its binary embeds metadata generated by the repo's codegen.
CLOUD_PROVIDERS=()

# go.sum pins for module versions the checksum DB does not vouch for (verified by hand).
PINNED_SUMS=(
  "github.com/pulumi/pulumi-kubernetes/provider/v4 v4.0.0-20260115033456-f47bc2d6f199 h1:j2bphCf7c2YhnBrhwht2f3TNRRgcMImltUlAgzxr9H4="
  "github.com/pulumi/pulumi-kubernetes/provider/v4 v4.0.0-20260115033456-f47bc2d6f199/go.mod h1:61at6ZXhz4COFbTksqENrBzq5VUQ/LV8sdZ7WJt9KT4="
)
# ================================================================================

CACHE_ROOT="${ML_PLATFORM_TOOLS_CACHE:-$HOME/.cache/ml-platform/pulumi-tools}"
BIN_DIR="$CACHE_ROOT/bin"
PULUMI_CMD_PKG=github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
SDK_VERSION_VAR=github.com/pulumi/pulumi/sdk/v3/go/common/version.Version
LANGHOST_PKG=github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs

log() { printf 'pulumi-tools: %s\n' "$*" >&2; }
CURRENT_TOOL="setup"
DIED=0
die() { DIED=1; printf 'pulumi-tools: FAILED %s: %s\n' "$CURRENT_TOOL" "$*" >&2; exit 1; }
RUN_TMP=""
trap 'rc=$?; [ -n "$RUN_TMP" ] && rm -rf "$RUN_TMP"; if [ $rc -ne 0 ] && [ "$DIED" = 0 ]; then printf "pulumi-tools: FAILED %s (exit %s); see messages above\n" "$CURRENT_TOOL" "$rc" >&2; fi' EXIT
# json_eval JS: evaluate JS with `d` = JSON parsed from stdin; prints the result (strings raw).
json_eval() {
  node -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>{
    if (!s.trim()) { console.error("no JSON input"); process.exit(1); } const d=JSON.parse(s);
    const r=(new Function("d","return ("+process.argv[1]+")"))(d);
    if (r instanceof Error) { console.error(r.message); process.exit(1); }
    if (r !== undefined && r !== null) process.stdout.write(Array.isArray(r)?r.join("\n")+(r.length?"\n":""):String(r)+"\n");});' "$1"
}

print_versions() {
  echo "pulumi $PULUMI_VERSION"
  echo "pulumi-language-nodejs $NODEJS_LANGHOST_VERSION"
  local p
  for p in "${PROVIDERS[@]}"; do set -- $p; echo "pulumi-resource-$1 $2"; done
  if [ "${WITH_CLOUD:-0}" = 1 ]; then
    for p in "${CLOUD_PROVIDERS[@]+"${CLOUD_PROVIDERS[@]}"}"; do set -- $p; echo "pulumi-resource-$1 $2"; done
  fi
}

WITH_CLOUD=0
for arg in "$@"; do
  case "$arg" in
    --print-versions) PRINT_VERSIONS=1 ;;
    --with-cloud) WITH_CLOUD=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' >&2; exit 0 ;;
    *) CURRENT_TOOL="arguments"; die "unknown argument: $arg" ;;
  esac
done
if [ "${PRINT_VERSIONS:-0}" = 1 ]; then print_versions; exit 0; fi

command -v go >/dev/null 2>&1 || { [ -x /usr/local/go/bin/go ] && PATH="/usr/local/go/bin:$PATH"; } || true
command -v go >/dev/null 2>&1 || die "go toolchain not found (need Go >= 1.25 on PATH)"
command -v node >/dev/null 2>&1 || die "node not found (used for JSON handling)"

# Go: module proxy only (GitHub is unreachable; never fall back to direct VCS), module mode.
export GOPROXY=https://proxy.golang.org
export GOFLAGS="-mod=mod -buildvcs=false"
export CGO_ENABLED=0
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
unset GONOSUMDB GONOSUMCHECK GOPRIVATE GONOPROXY 2>/dev/null || true

mkdir -p "$BIN_DIR"
# Throwaway build modules live here; removed on exit (also on failure/interrupt).
RUN_TMP="$(mktemp -d "${TMPDIR:-/tmp}/pulumi-tools.XXXXXX")"

# ---------------------------------------------------------------- helpers
# link_into_bin SRC NAME: hard link (same fs, no extra disk) so that the CLI's
# "next to the pulumi binary" lookup sees the language host; fall back to copy.
link_into_bin() {
  local src="$1" name="$2"
  [ "$(readlink -f "$src")" = "$(readlink -f "$BIN_DIR/$name" 2>/dev/null || true)" ] && return 0
  rm -f "$BIN_DIR/$name"
  ln "$src" "$BIN_DIR/$name" 2>/dev/null || cp "$src" "$BIN_DIR/$name"
}

# go_mod_of MODULE VERSION -> prints path of the module's go.mod in the module cache
go_mod_of() {
  go mod download -json "$1@$2" | json_eval 'd.Error ? new Error(d.Error) : d.GoMod'
}

# new_build_dir MODULE VERSION -> prints temp dir with a throwaway module requiring
# MODULE@VERSION and carrying MODULE's non-local replace directives.
new_build_dir() {
  local mod="$1" ver="$2" dir gomod
  [ -n "$RUN_TMP" ] || die "internal: RUN_TMP unset"
  dir="$(mktemp -d "$RUN_TMP/build.XXXXXX")"
  (
    cd "$dir" || exit 1
    printf 'module ml-platform.local/pulumi-tools-build\n\ngo 1.25\n' > go.mod
    local line
    for line in "${PINNED_SUMS[@]}"; do echo "$line"; done > go.sum
    gomod="$(go_mod_of "$mod" "$ver")" || exit 1
    go mod edit -require="$mod@$ver" || exit 1
    # Reuse the target's own go.sum: its dependency hashes are covered by the target's
    # (checksum-DB-verified or pinned) module hash, and the proxy's checksum-DB endpoint
    # answers 404 for many older versions (e.g. pulumi/pkg/v3 v3.215.0).
    local moddir
    moddir="$(go mod download -json "$mod@$ver" | json_eval 'd.Error ? new Error(d.Error) : d.Dir')" || exit 1
    if [ -f "$moddir/go.sum" ]; then sort -u go.sum "$moddir/go.sum" -o go.sum; fi
    # Copy replace directives whose target is a module version (local ../dir ones are
    # meaningless outside the upstream repo and are handled per tool).
    go mod edit -json "$gomod" |
      json_eval '(d.Replace || []).filter(r => r.New.Version).map(r =>
        r.Old.Path + (r.Old.Version ? "@" + r.Old.Version : "") + "=" + r.New.Path + "@" + r.New.Version)' |
      while read -r r; do log "  replace $r"; go mod edit -replace="$r" || exit 1; done || exit 1
  ) >&2 || { rm -rf "$dir"; return 1; }
  echo "$dir"
}

# go_build DIR PKG OUT LDFLAGS: tidy the throwaway module and build PKG into OUT atomically.
go_build() {
  local dir="$1" pkg="$2" out="$3" ldflags="$4"
  (
    cd "$dir" || exit 1
    [ -f tools.go ] || printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$pkg" > tools.go
    # (set -e does not apply inside a function called from `||`, so chain explicitly)
    go mod tidy || { echo "go mod tidy failed" >&2; exit 1; }
    mkdir -p "$(dirname "$out")" &&
      go build -trimpath -ldflags "-s -w $ldflags" -o "$out.tmp" "$pkg" &&
      mv -f "$out.tmp" "$out"
  ) >&2
}

# ---------------------------------------------------------------- pulumi CLI
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

ensure_pulumi() {
  CURRENT_TOOL="pulumi $PULUMI_VERSION"
  local out="$CACHE_ROOT/pulumi-$PULUMI_VERSION/bin/pulumi" existing v
  if [ "${PULUMI_TOOLS_FORCE_BUILD:-0}" != 1 ] && existing="$(command -v pulumi 2>/dev/null)" &&
     [ "$(readlink -f "$existing")" != "$(readlink -f "$BIN_DIR/pulumi" 2>/dev/null || true)" ]; then
    v="$(PULUMI_SKIP_UPDATE_CHECK=true "$existing" version 2>/dev/null | tr -d 'v\r' || true)"
    if [ -n "$v" ] && version_ge "$v" "$PULUMI_VERSION"; then
      log "using installed pulumi $v at $existing (>= $PULUMI_VERSION)"
      link_into_bin "$existing" pulumi
      local lh; lh="$(dirname "$(readlink -f "$existing")")/pulumi-language-nodejs"
      if [ -x "$lh" ]; then link_into_bin "$lh" pulumi-language-nodejs; LANGHOST_DONE=1; fi
      return 0
    fi
    [ -n "$v" ] && log "installed pulumi $v at $existing is older than $PULUMI_VERSION; building"
  fi
  if [ ! -x "$out" ]; then
    log "building pulumi v$PULUMI_VERSION from github.com/pulumi/pulumi/pkg/v3 (takes a while)"
    local dir; dir="$(new_build_dir github.com/pulumi/pulumi/pkg/v3 "v$PULUMI_VERSION")" || die "cannot prepare build module"
    (cd "$dir" && go mod edit -require="github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION") >&2 || die "go mod edit failed"
    go_build "$dir" "$PULUMI_CMD_PKG" "$out" "-X $SDK_VERSION_VAR=v$PULUMI_VERSION" || die "go build failed"
    rm -rf "$dir"
  fi
  link_into_bin "$out" pulumi
}

# ---------------------------------------------------------------- language host
ensure_langhost() {
  CURRENT_TOOL="pulumi-language-nodejs $NODEJS_LANGHOST_VERSION"
  [ "${LANGHOST_DONE:-0}" = 1 ] && return 0
  local out="$CACHE_ROOT/pulumi-language-nodejs-$NODEJS_LANGHOST_VERSION/bin/pulumi-language-nodejs"
  if [ ! -x "$out" ]; then
    log "building pulumi-language-nodejs from github.com/pulumi/pulumi/sdk/v3@v$NODEJS_LANGHOST_VERSION"
    local dir; dir="$(new_build_dir github.com/pulumi/pulumi/sdk/v3 "v$NODEJS_LANGHOST_VERSION")" || die "cannot prepare build module"
    go_build "$dir" "$LANGHOST_PKG" "$out" "-X $SDK_VERSION_VAR=v$NODEJS_LANGHOST_VERSION" || die "go build failed"
    rm -rf "$dir"
  fi
  link_into_bin "$out" pulumi-language-nodejs
}

# ---------------------------------------------------------------- providers
# Per-provider build recipes: prepare_<name> DIR MODDIR VERSION sets PKG and LDFLAGS.
prepare_kubernetes() {
  local dir="$1" moddir="$2" ver="$3"
  # Upstream replaces sdk/v4 with ../sdk; use the SDK released with the same tag.
  (cd "$dir" && go mod edit -require="github.com/pulumi/pulumi-kubernetes/sdk/v4@v$ver") >&2 || return 1
  # Upstream main embeds schema-embed.json / terraform-mapping-embed.json, produced by
  # `go generate` (schema.json with .version stamped, re-serialised). Reproduce that in
  # the throwaway module with a main package identical to upstream's.
  local cmd="$dir/cmd/pulumi-resource-kubernetes"
  mkdir -p "$cmd" || return 1
  VERSION="$ver" node -e '
    const fs = require("fs"); const [src, dst, map, mapdst] = process.argv.slice(1);
    const s = JSON.parse(fs.readFileSync(src, "utf8")); s.version = process.env.VERSION;
    fs.writeFileSync(dst, JSON.stringify(s));
    fs.writeFileSync(mapdst, JSON.stringify(JSON.parse(fs.readFileSync(map, "utf8"))));
  ' "$moddir/cmd/pulumi-resource-kubernetes/schema.json" "$cmd/schema-embed.json" \
    "$moddir/cmd/pulumi-resource-kubernetes/terraform-mapping.json" "$cmd/terraform-mapping-embed.json" || return 1
  cat > "$cmd/main.go" <<'EOF'
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
EOF
  printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"\n' > "$dir/tools.go"
  PKG=./cmd/pulumi-resource-kubernetes
  LDFLAGS="-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$ver"
}

plugin_installed_in_cache() { # NAME VERSION
  local n
  n="$(PULUMI_SKIP_UPDATE_CHECK=true "$BIN_DIR/pulumi" plugin ls --json 2>/dev/null |
    json_eval "(d || []).filter(p => p.kind === 'resource' && p.name === '$1' && String(p.version).replace(/^v/, '') === '$2').length" || echo 0)"
  [ "${n:-0}" -gt 0 ]
}

ensure_provider() { # NAME VERSION MODULE MODVERSION
  local name="$1" ver="$2" mod="$3" modver="$4"
  CURRENT_TOOL="pulumi-resource-$name $ver"
  local out="$CACHE_ROOT/pulumi-resource-$name-$ver/bin/pulumi-resource-$name"
  local plugdir="${PULUMI_HOME:-$HOME/.pulumi}/plugins/resource-$name-v$ver"
  if plugin_installed_in_cache "$name" "$ver"; then
    log "pulumi-resource-$name $ver: already in the plugin cache ($plugdir)"
    return 0
  fi
  if [ ! -x "$out" ]; then
    log "building pulumi-resource-$name $ver from $mod@$modver"
    local dir moddir
    dir="$(new_build_dir "$mod" "$modver")" || die "cannot prepare build module for $mod@$modver"
    moddir="$(cd "$dir" && go mod download -json "$mod@$modver" | json_eval 'd.Error ? new Error(d.Error) : d.Dir')" ||
      die "cannot download $mod@$modver"
    PKG="$mod/cmd/pulumi-resource-$name"; LDFLAGS=""
    if declare -F "prepare_$name" >/dev/null; then "prepare_$name" "$dir" "$moddir" "$ver" || die "prepare step failed"; fi
    go_build "$dir" "$PKG" "$out" "$LDFLAGS" || die "go build failed"
    rm -rf "$dir"
  fi
  log "registering pulumi-resource-$name $ver in the plugin cache ($plugdir)"
  PULUMI_SKIP_UPDATE_CHECK=true "$BIN_DIR/pulumi" plugin install resource "$name" "$ver" --file "$out" >&2 ||
    die "pulumi plugin install --file failed"
  # The install copies the binary; swap the copy for a hard link when on the same filesystem.
  if [ -f "$plugdir/pulumi-resource-$name" ] && cmp -s "$plugdir/pulumi-resource-$name" "$out"; then
    ln -f "$out" "$plugdir/pulumi-resource-$name" 2>/dev/null || true
  fi
  plugin_installed_in_cache "$name" "$ver" || die "not listed by 'pulumi plugin ls' after install"
}

report_unavailable() {
  local name
  for name in "${UNAVAILABLE_PROVIDERS[@]}"; do
    if command -v "pulumi-resource-$name" >/dev/null 2>&1 ||
       ls -d "${PULUMI_HOME:-$HOME/.pulumi}/plugins/resource-$name-v"* >/dev/null 2>&1; then
      log "pulumi-resource-$name: using the copy already installed"
    else
      log "WARNING pulumi-resource-$name: not available (cannot be built from the Go module proxy); programs using @pulumi/$name will fail"
    fi
  done
}

# ---------------------------------------------------------------- main
ensure_pulumi
ensure_langhost
for p in "${PROVIDERS[@]}"; do ensure_provider $p; done
if [ "$WITH_CLOUD" = 1 ]; then
  if [ ${#CLOUD_PROVIDERS[@]} -eq 0 ]; then log "WARNING --with-cloud: no cloud provider is buildable from the Go module proxy (see script header)"; fi
  for p in "${CLOUD_PROVIDERS[@]+"${CLOUD_PROVIDERS[@]}"}"; do ensure_provider $p; done
fi
report_unavailable
CURRENT_TOOL="done"
log "ready: $("$BIN_DIR/pulumi" version 2>/dev/null) in $BIN_DIR"
echo "$BIN_DIR"
