# scripts/e2e-plugin-gcp.sh — the gcp provider plugin (pulumi-resource-gcp) for the real-engine e2e test, built the way
# pulumi-gcp's own Makefile builds it at its release tag, with plain git and go. Sourced by scripts/e2e-tools.sh
# (`if want gcp`), whose CACHE, BIN, CHECK, NICE, log, report, source_tree, register_plugin and REPLACE_FROM_SOURCE it
# uses; not meant to be run on its own.
#
# Inputs (source trees, as for random/command):
#   GCP_SRC=<dir>           github.com/pulumi/pulumi-gcp at tag v$GCP_VERSION (a checkout or an export; sdk/ and
#                           provider/cmd/pulumi-resource-gcp/schema.json are not needed, the schema is regenerated)
#   GCP_UPSTREAM_SRC=<dir>  github.com/hashicorp/terraform-provider-google-beta at GCP_UPSTREAM_COMMIT, the commit the
#                           `upstream` submodule of pulumi-gcp names at that tag
#   PULUMI_JAVA_SRC=<dir>   optional: github.com/pulumi/pulumi-java at the version pulumi-gcp pins (see step 3)
# Unset, they default to $CACHE/src/pulumi-gcp-v$GCP_VERSION and $CACHE/src/terraform-provider-google-beta-<commit>,
# exported there from the bare mirrors ${MIRRORS:-/work/.mirror}/{pulumi+pulumi-gcp,hashicorp+terraform-provider-google-beta}/repo.
#
# Steps (pulumi-gcp's Makefile targets in brackets), in a work copy $CACHE/build/pulumi-gcp-$GCP_VERSION, so that the
# source trees stay untouched:
#   1. [upstream] the upstream tree copied to ./upstream (where provider/go.mod's `replace ... => ../upstream` and the
#      provider's UpstreamRepoPath "./upstream" look) and patches/*.patch applied in order with `git apply`, as
#      scripts/upstream.sh init does
#   2. Go modules from the Go module proxy; the modules of REPLACE_FROM_SOURCE (pulumi-yaml, pulumi-dotnet) from their
#      source trees only when the proxy refuses the version pinned (at v9.34.0 it serves both, tagged releases)
#   3. github.com/pulumi/pulumi-java: the proxy refuses v1.35.0, the version pinned (403, .mod included, so no build can
#      even load the module graph), and its repository is over the fetch limit. Unless PULUMI_JAVA_SRC names a tree at
#      that version, it is replaced by the version pulumi-terraform-bridge (at the version pinned) itself requires
#      (v1.34.0 for bridge v3.136.0). It is the Java code generator (examples and SDK generation): the provider links
#      it, but planning and applying resources does not use it.
#   4. [bin/pulumi-tfgen-gcp] `go build ./cmd/pulumi-tfgen-gcp` with the version ldflags of LDFLAGS_PROJ_VERSION
#   5. [schema] `pulumi-tfgen-gcp schema --out provider/cmd/pulumi-resource-gcp` in the work copy with
#      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true, PULUMI_MISSING_DOCS_ERROR=true and a private PULUMI_HOME, plus
#      --skip-examples: the Makefile's example conversion (PULUMI_CONVERT=1) runs `pulumi convert --from terraform`,
#      which needs the pulumi-converter-terraform plugin (not available here, and no plugin is ever downloaded), and the
#      bridge aborts when it fails. The converted examples only go into descriptions; types, resources and functions
#      are generated the same way.
#   6. [schema, 2nd line] `VERSION=$GCP_VERSION go generate cmd/pulumi-resource-gcp/main.go` (schema-embed.json)
#   7. [provider] `go build ./cmd/pulumi-resource-gcp` with the Makefile's LDFLAGS: -s -w, -X .../provider/v9/pkg/version.Version
#      and -X github.com/hashicorp/terraform-provider-google-beta/version.ProviderVersion
#   8. the binary to $CACHE/pulumi-resource-gcp-$GCP_VERSION, registered in the e2e plugin cache; the work copy removed
#      (GCP_KEEP_BUILD=1 keeps it)
# Builds run under $NICE with `go build -p ${GCP_GO_P:-1}`, one package at a time (measured peak 2.7 GB resident; the
# machine is shared); GCP_GO_P=2 is faster where memory allows. Cold: ~25 min on 2 cores shared with other builds.

# What pulumi-gcp's `upstream` submodule names at tag v$GCP_VERSION (`git ls-tree v9.34.0 upstream`).
GCP_UPSTREAM_COMMIT=c1a4c311722ebacc3e768641f41bdfa6b2d9f0d4

# gcp_source_tree -> prints the pulumi-gcp tree at v$GCP_VERSION: $GCP_SRC, else $CACHE/src/pulumi-gcp-v$GCP_VERSION,
# else exported there from the bare mirror. Not source_tree: a mirror may lack the blobs of files the build does not
# need (this one lacks schema.json and some sdk/ files), which would fail a whole-tree `git archive`.
gcp_source_tree() {
  local tag="v$GCP_VERSION" dir="$CACHE/src/pulumi-gcp-v$GCP_VERSION" gitdir sub
  if [ -n "${GCP_SRC:-}" ]; then echo "$GCP_SRC"; return 0; fi
  if [ -d "$dir" ] && [ -f "$dir/.complete" ]; then echo "$dir"; return 0; fi
  gitdir="${MIRRORS:-/work/.mirror}/pulumi+pulumi-gcp/repo"
  git --git-dir="$gitdir" rev-parse -q --verify "$tag^{commit}" >/dev/null 2>&1 || return 1
  sub=$(git --git-dir="$gitdir" ls-tree "$tag" upstream | awk '{print $3}')
  if [ "$sub" != "$GCP_UPSTREAM_COMMIT" ]; then
    log "pulumi-gcp $tag names upstream commit $sub, this script expects $GCP_UPSTREAM_COMMIT"; return 1
  fi
  rm -rf "$dir"; mkdir -p "$dir"
  # (git still names the excluded schema.json blob as an invalid object when it is absent, and exits 0: not shown)
  git --git-dir="$gitdir" archive "$tag" -- . ':(exclude)sdk' ':(exclude)provider/cmd/pulumi-resource-gcp/schema.json' \
    2> >(grep -v "^error: invalid object .* for 'provider/cmd/pulumi-resource-gcp/schema.json'" >&2) |
    tar -x -C "$dir" && [ -f "$dir/provider/go.mod" ] && touch "$dir/.complete" && echo "$dir"
}

# build_gcp SRC UPSTREAM OUT: steps 1-7 above; the binary ends up as OUT/pulumi-resource-gcp.
build_gcp() {
  local src="$1" up="$2" out="$3" work="$CACHE/build/pulumi-gcp-$GCP_VERSION"
  local verpkg=github.com/pulumi/pulumi-gcp/provider/v9/pkg/version.Version
  local upver=github.com/hashicorp/terraform-provider-google-beta/version.ProviderVersion
  local p="-p ${GCP_GO_P:-1}" t0
  (
    t0=$(date +%s)
    rm -rf "$work"; mkdir -p "$work/upstream"
    # 1. upstream + patches
    tar -C "$src" --exclude=./upstream --exclude=./sdk --exclude=./.git --exclude=./.make --exclude=./bin -c . | tar -x -C "$work" || exit 1
    tar -C "$up" --exclude=./.git -c . | tar -x -C "$work/upstream" || exit 1
    (
      cd "$work/upstream"
      git init -q .            # a repository of its own, so that `git apply` patches exactly this tree
      for patch in ../patches/*.patch; do
        [ -e "$patch" ] || continue
        git apply --whitespace=nowarn "$patch" || { echo "e2e-plugin-gcp: $(basename "$patch") does not apply"; exit 1; }
      done
      rm -rf .git
    ) || exit 1
    cd "$work/provider" || exit 1
    # 2. modules the proxy refuses, from source trees (as build_plugin does for random)
    local r mod repo sub var pv commit tree
    for r in "${REPLACE_FROM_SOURCE[@]}"; do
      read -r mod repo sub var <<<"$r"; [ "$sub" = - ] && sub=""
      pv=$(go mod edit -json | grep -A1 "\"Path\": \"$mod\"" | sed -n 's/.*"Version": "\(.*\)".*/\1/p' | head -1)
      [ -n "$pv" ] || continue
      go mod download "$mod@$pv" >/dev/null 2>&1 && continue
      commit=${pv##*-}
      tree=$(source_tree "$var" "${repo#*/}" "$repo" "$commit") ||
        { echo "need github.com/$repo at commit $commit for $mod $pv (set $var)"; exit 1; }
      go mod edit -replace="$mod=$tree${sub:+/$sub}" || exit 1
    done
    # 3. pulumi-java
    pv=$(go mod edit -json | grep -A1 '"Path": "github.com/pulumi/pulumi-java"' | sed -n 's/.*"Version": "\(.*\)".*/\1/p' | head -1)
    if [ -n "$pv" ]; then
      if [ -n "${PULUMI_JAVA_SRC:-}" ]; then
        go mod edit -replace="github.com/pulumi/pulumi-java=$PULUMI_JAVA_SRC"
      elif ! go mod download "github.com/pulumi/pulumi-java@$pv" >/dev/null 2>&1; then
        local bv bmod jv
        bv=$(go mod edit -json | grep -A1 '"Path": "github.com/pulumi/pulumi-terraform-bridge/v3"' | sed -n 's/.*"Version": "\(.*\)".*/\1/p' | head -1)
        bmod=$(go mod download -json "github.com/pulumi/pulumi-terraform-bridge/v3@$bv" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')
        jv=$(go mod edit -json "$bmod" | grep -A1 '"Path": "github.com/pulumi/pulumi-java"' | sed -n 's/.*"Version": "\(.*\)".*/\1/p' | head -1)
        [ -n "$jv" ] || { echo "e2e-plugin-gcp: the proxy refuses github.com/pulumi/pulumi-java@$pv and bridge $bv names none"; exit 1; }
        echo "e2e-plugin-gcp: the proxy refuses github.com/pulumi/pulumi-java@$pv; using $jv (what pulumi-terraform-bridge $bv requires; set PULUMI_JAVA_SRC for $pv)"
        go mod edit -replace="github.com/pulumi/pulumi-java=github.com/pulumi/pulumi-java@$jv" || exit 1
      fi
    fi
    $NICE go mod download || exit 1
    echo "e2e-plugin-gcp: sources ready in $(( $(date +%s) - t0 )) s"
    # 4. tfgen
    $NICE go build $p -trimpath -ldflags "-X $verpkg=$GCP_VERSION -X $upver=$GCP_VERSION" -o "$work/bin/pulumi-tfgen-gcp" ./cmd/pulumi-tfgen-gcp || exit 1
    echo "e2e-plugin-gcp: pulumi-tfgen-gcp built at $(( $(date +%s) - t0 )) s"
    # 5. schema
    cd "$work" || exit 1
    env PULUMI_HOME="$work/.pulumi" PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_CONVERT=0 \
      PULUMI_MISSING_DOCS_ERROR=true PULUMI_SKIP_UPDATE_CHECK=true \
      $NICE "$work/bin/pulumi-tfgen-gcp" schema --skip-examples --out provider/cmd/pulumi-resource-gcp || exit 1
    echo "e2e-plugin-gcp: schema generated at $(( $(date +%s) - t0 )) s"
    # 6. schema-embed.json
    cd "$work/provider" || exit 1
    VERSION="$GCP_VERSION" $NICE go generate ./cmd/pulumi-resource-gcp/main.go || exit 1
    # 7. the provider
    mkdir -p "$out"
    $NICE go build $p -trimpath -ldflags "-X $verpkg=$GCP_VERSION -X $upver=$GCP_VERSION -X $upver=v$GCP_VERSION -s -w" \
      -o "$out/pulumi-resource-gcp.tmp" ./cmd/pulumi-resource-gcp || exit 1
    mv -f "$out/pulumi-resource-gcp.tmp" "$out/pulumi-resource-gcp" || exit 1
    cp "$work/provider/cmd/pulumi-resource-gcp/schema.json" "$out/schema.json"
    echo "e2e-plugin-gcp: pulumi-resource-gcp built in $(( $(date +%s) - t0 )) s"
  ) >&2 || return 1
  [ "${GCP_KEEP_BUILD:-0}" = 1 ] || rm -rf "$work"
}

ensure_gcp() {
  local out="$CACHE/pulumi-resource-gcp-$GCP_VERSION" src up how=found
  # A plugin already in the e2e plugin cache (e.g. a released one, `pulumi plugin install`) is used as it is.
  if [ ! -x "$out/pulumi-resource-gcp" ] && [ -x "$E2E_PULUMI_HOME/plugins/resource-gcp-v$GCP_VERSION/pulumi-resource-gcp" ]; then
    report found pulumi-resource-gcp "$GCP_VERSION" "$E2E_PULUMI_HOME/plugins"; return 0
  fi
  if [ ! -x "$out/pulumi-resource-gcp" ]; then
    if [ "$CHECK" = 1 ]; then
      report missing pulumi-resource-gcp "$GCP_VERSION" "run scripts/e2e-tools.sh (GCP_SRC, GCP_UPSTREAM_SRC)" optional; return 0
    fi
    src=$(gcp_source_tree) ||
      { report missing pulumi-resource-gcp "$GCP_VERSION" "no source tree: set GCP_SRC to github.com/pulumi/pulumi-gcp at v$GCP_VERSION" optional; return 0; }
    up=$(source_tree GCP_UPSTREAM_SRC terraform-provider-google-beta hashicorp/terraform-provider-google-beta "$GCP_UPSTREAM_COMMIT") ||
      { report missing pulumi-resource-gcp "$GCP_VERSION" "no upstream tree: set GCP_UPSTREAM_SRC to github.com/hashicorp/terraform-provider-google-beta at $GCP_UPSTREAM_COMMIT" optional; return 0; }
    log "building pulumi-resource-gcp $GCP_VERSION from $src with upstream $up (~25 min cold on 2 shared cores, peak ~2.7 GB)"
    build_gcp "$src" "$up" "$out" || { report missing pulumi-resource-gcp "$GCP_VERSION" "build failed (see above)" optional; return 0; }
    how=built
  fi
  [ -x "$BIN/pulumi" ] && register_plugin gcp "$GCP_VERSION" "$out/pulumi-resource-gcp"
  report "$how" pulumi-resource-gcp "$GCP_VERSION" "$out (github.com/pulumi/pulumi-gcp@v$GCP_VERSION, upstream ${GCP_UPSTREAM_COMMIT:0:12})"
}
