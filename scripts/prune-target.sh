#!/usr/bin/env bash
# Keeps long-lived cargo target dirs from filling the disk: drops incremental
# state and, of each executable built under deps/ (test binaries, whose name
# ends in -HASH), keeps only the newest. Cargo rebuilds whatever it misses.
set -euo pipefail
for target in "$@"; do
  [ -d "$target" ] || continue
  find "$target" -type d -name incremental -prune -exec rm -rf {} +
  find "$target" -path '*/deps/*' -type f -perm -u+x ! -name '*.*' -printf '%T@ %p\n' 2>/dev/null \
    | sort -rn \
    | awk '{ path = $2; base = path; sub(/-[0-9a-f]+$/, "", base); if (seen[base]++) print path }' \
    | xargs -r rm -f
done
