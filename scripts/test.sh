#!/usr/bin/env bash
# Sets up what is missing and runs every test: formatting and lints, unit
# and integration tests of all crates (against real SQLite files, the
# embedded cluster, the real kubectl and the real PlantUML), then the
# browser tests in Debian's Chromium against the built site.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/setup.sh"
source "$here/env.sh"
cd "$repo"

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy"
CARGO_TARGET_DIR="$PILOTHOUSE_TARGET_DIR" cargo clippy --workspace --all-targets -- -D warnings
echo "==> cargo test"
CARGO_TARGET_DIR="$PILOTHOUSE_TARGET_DIR" cargo test --workspace

echo "==> cargo leptos build (site + server for the browser tests)"
CARGO_TARGET_DIR="$PILOTHOUSE_SITE_TARGET_DIR" cargo leptos build
echo "==> playwright"
cd end2end
PILOTHOUSE_BIN="$PILOTHOUSE_SITE_TARGET_DIR/debug/pilothouse" LEPTOS_SITE_ROOT="$repo/target/site" npx playwright test
