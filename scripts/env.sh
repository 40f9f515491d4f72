# Sourced by the other scripts: where builds go and which tools come first.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$repo/end2end/node_modules/.bin:$HOME/.cargo/bin:$repo/.venv/bin:$PATH"
# Plain cargo (tests, clippy) and cargo-leptos (the site) build with
# different cfg flags; separate target dirs keep them from rebuilding each
# other. Both can be moved outside the clone to keep a warm cache.
export PILOTHOUSE_TARGET_DIR="${PILOTHOUSE_TARGET_DIR:-$repo/target}"
export PILOTHOUSE_SITE_TARGET_DIR="${PILOTHOUSE_SITE_TARGET_DIR:-$repo/target/leptos}"
