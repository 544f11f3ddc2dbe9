#!/usr/bin/env bash
# npm run test:sso: a real login round trip through single sign-on as the dev stack configures it. The dev stack's
# Dex config and oauth2-proxy config come from the program itself (scripts/sso-configs.ts, under the test mocks, with
# random stand-ins for the generated passwords, client secrets and cookie secret); Dex and oauth2-proxy run on
# 127.0.0.1 at the versions the program deploys (components/versions.ts), and scripts/sso-login.ts logs in as the
# generated admin through Traefik's forward-auth (emulated) and as each UI's own OIDC client, and checks a wrong
# password is refused. Both binaries are built once from the Go module proxy into ~/.cache/ml-platform (a few
# minutes cold), like amtool for test:alertmanager.
set -uo pipefail
cd "$(dirname "$0")/.."
cache="${ML_PLATFORM_TOOLS_CACHE:-$HOME/.cache/ml-platform}"
DEX_VERSION=v2.45.1
# Dex's module path has no /v2, so the proxy serves its v2 tags only as pseudo-versions: this one is the commit the
# tag v2.45.1 names (11d2eeb52b42, 2026-03-03 13:39:05 UTC).
DEX_MODULE_VERSION=v0.0.0-20260303133905-11d2eeb52b42
# Dex replaces github.com/dexidp/dex/api/v2 by its own ./api/v2, which the module zip leaves out (a module of its
# own). At v2.45.1 that directory's Go files are api/v2.4.0's (only its go.mod and go.sum were bumped since).
DEX_API_VERSION=v2.4.0
OAUTH2_PROXY_VERSION=v7.15.3
dex_dir="$cache/sso-dex-$DEX_VERSION"
proxy_dir="$cache/sso-oauth2-proxy-$OAUTH2_PROXY_VERSION"

module_dir() { go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p'; }

build_dex() {
  local build src api
  build=$(mktemp -d)
  src=$(module_dir "github.com/dexidp/dex@$DEX_MODULE_VERSION") && api=$(module_dir "github.com/dexidp/dex/api/v2@$DEX_API_VERSION") || return 1
  [ -n "$src" ] && [ -n "$api" ] || return 1
  cp -r "$src" "$build/dex" && chmod -R u+w "$build/dex" || return 1
  # The password hashes Dex checks (bcrypt) come from the same golang.org/x/crypto Dex is built with.
  mkdir -p "$build/dex/cmd/sso-bcrypt"
  cat > "$build/dex/cmd/sso-bcrypt/main.go" <<'GO'
// Reads a password on stdin, prints its bcrypt hash (cost 10, as Pulumi's random provider writes them).
package main

import (
	"bufio"
	"fmt"
	"os"

	"golang.org/x/crypto/bcrypt"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Scan()
	hash, err := bcrypt.GenerateFromPassword(in.Bytes(), 10)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(hash))
}
GO
  rm -rf "$dex_dir.tmp" && mkdir -p "$dex_dir.tmp" &&
    (cd "$build/dex" &&
      go mod edit -replace "github.com/dexidp/dex/api/v2=$api" &&
      go build -ldflags "-w -X main.version=$DEX_VERSION" -o "$dex_dir.tmp/dex" ./cmd/dex &&
      go build -o "$dex_dir.tmp/sso-bcrypt" ./cmd/sso-bcrypt) &&
    rm -rf "$dex_dir" && mv "$dex_dir.tmp" "$dex_dir"
  local rc=$?
  rm -rf "$build" "$dex_dir.tmp"
  return $rc
}

build_proxy() {
  GOBIN="$proxy_dir" go install -ldflags "-X github.com/oauth2-proxy/oauth2-proxy/v7/pkg/version.VERSION=$OAUTH2_PROXY_VERSION" \
    "github.com/oauth2-proxy/oauth2-proxy/v7@$OAUTH2_PROXY_VERSION"
}

if [ ! -x "$dex_dir/dex" ] || [ ! -x "$dex_dir/sso-bcrypt" ]; then
  echo "building Dex $DEX_VERSION into $dex_dir" >&2
  if ! build_dex >&2; then
    echo "sso: Dex could not be built; nothing was checked" >&2
    exit 1
  fi
fi
if [ ! -x "$proxy_dir/oauth2-proxy" ]; then
  echo "building oauth2-proxy $OAUTH2_PROXY_VERSION into $proxy_dir" >&2
  if ! build_proxy >&2; then
    echo "sso: oauth2-proxy could not be built; nothing was checked" >&2
    exit 1
  fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
npx tsx scripts/sso-configs.ts "$work" "$dex_dir/sso-bcrypt" || exit 1
for pin in "dex $DEX_VERSION" "oauth2Proxy $OAUTH2_PROXY_VERSION"; do
  set -- $pin
  if ! grep -q "\"$1\": \"$2\"" "$work/plan.json"; then
    echo "sso: components/versions.ts no longer pins $1 $2; update scripts/sso-check.sh" >&2
    exit 1
  fi
done
npx tsx scripts/sso-login.ts "$work" "$dex_dir/dex" "$proxy_dir/oauth2-proxy"
