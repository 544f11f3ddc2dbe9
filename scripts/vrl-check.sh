#!/usr/bin/env bash
# npm run test:vrl: checks the feedback receiver's Vector config (components/feedback/spec.ts `receiverConfig`)
# without Vector, which is too large to build here: its VRL is compiled and run with VRL itself, at the version Vector
# 0.57.0 (components/versions.ts) links, and its option names and types are checked against a table of Vector
# 0.57.0's config structs (scripts/vrl-programs.ts says what is checked, with file:line references).
#
# The runner (scripts/vrl-runner, ~150 lines of Rust) compiles a program the way Vector's remap transform does
# (same type state with `schema.enabled` off, `vector` metadata read-only) and runs it over given events. It is
# built once with cargo from crates.io into ${ML_PLATFORM_TOOLS_CACHE:-~/.cache/ml-platform}/vrl-0.33.1 (about
# 4 minutes and 0.8 GB cold on 2 cores, then cached).
#
# Which VRL: Vector 0.57.0's Cargo.lock pins vrl "0.33.1" from git (vectordotdev/vrl, branch main, commit
# 33fec9bddb7e75db90187f686ac3a69063882ced), 52 commits after the 0.33.1 published on crates.io (tag v0.33.1,
# f9c3d17a67355f5c710551f62f6972ca5be14803), which this builds. Between the two, src/stdlib/{replace,string,
# includes,format_timestamp,parse_timestamp,now}.rs and src/compiler/conversion are unchanged, and the compiler's
# abort, `??` (op.rs), `!` (function_call.rs), not.rs and predicate changes only move diagnostic codes into codes.rs
# (`git diff f9c3d17 33fec9b -- src/compiler/expression`). chrono (0.4.44) and regex (1.12.3) are locked to
# Vector 0.57.0's versions. Built once against a checkout of 33fec9bd instead (`[patch.crates-io]`, its own
# Cargo.lock), the runner printed the same diagnostics and records for these programs.
set -uo pipefail
cd "$(dirname "$0")/.."
VRL_VERSION=0.33.1
cache="${ML_PLATFORM_TOOLS_CACHE:-$HOME/.cache/ml-platform}/vrl-$VRL_VERSION"
bin="$cache/target/release/vrl-runner"
# rustup installs into ~/.cargo/bin, which a non-login shell (CI) may not have on PATH.
[ -x "$HOME/.cargo/bin/cargo" ] && PATH="$PATH:$HOME/.cargo/bin"
if ! command -v cargo >/dev/null; then
  echo "vrl: cargo not found (https://rustup.rs); nothing was checked" >&2
  exit 1
fi
# cargo decides whether anything changed (a no-op build takes well under a second).
if ! CARGO_TARGET_DIR="$cache/target" cargo build --quiet --release --locked -j "${VRL_BUILD_JOBS:-2}" --manifest-path scripts/vrl-runner/Cargo.toml >&2; then
  echo "vrl: the VRL runner could not be built; nothing was checked" >&2
  exit 1
fi
npx tsx scripts/vrl-programs.ts "$bin"
