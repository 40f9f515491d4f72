#!/usr/bin/env bash
# Sets up what is missing, builds Pilothouse (release) and starts it on
# http://127.0.0.1:3000 with its own data directory under ./data.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/setup.sh"
source "$here/env.sh"
cd "$repo"

echo "==> cargo leptos build --release"
CARGO_TARGET_DIR="$PILOTHOUSE_SITE_TARGET_DIR" cargo leptos build --release

data_dir="${PILOTHOUSE_DATA_DIR:-$repo/data}"
mkdir -p "$data_dir"
password_file="$data_dir/admin-password.txt"
if [ -z "${PILOTHOUSE_ADMIN_PASSWORD:-}" ]; then
  if [ ! -s "$password_file" ]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$password_file")
  fi
  export PILOTHOUSE_ADMIN_PASSWORD="$(cat "$password_file")"
fi
listen="${PILOTHOUSE_LISTEN:-127.0.0.1:3000}"
cat <<MSG

  Pilothouse: http://$listen/
  Log in as:  admin
  Password:   $PILOTHOUSE_ADMIN_PASSWORD   (kept in $password_file; used only when the database is new)
  Cluster:    the embedded cluster (3 workers and a demo namespace); its
              kubeconfig is written to $data_dir/embedded-kubeconfig.yaml
              so kubectl can change what the browser shows.
  Stop with Ctrl-C.

MSG
export LEPTOS_SITE_ROOT="$repo/target/site"
exec "$PILOTHOUSE_SITE_TARGET_DIR/release/pilothouse" serve --listen "$listen" --data-dir "$data_dir" "$@"
