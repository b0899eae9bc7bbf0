#!/usr/bin/env bash
# Re-fetch the front-end library the pages inline, from the npm registry:
# vis-network (the library pyvis wraps), pinned, with its licences.
#   bash scripts/vendor-js.sh            # fetch the pinned version
#   VIS_NETWORK=9.1.9 bash scripts/vendor-js.sh   # try another one
set -euo pipefail
cd "$(dirname "$0")/.."
version="${VIS_NETWORK:-9.1.2}"
out=src/g60graph/render/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "vis-network@$version" >/dev/null && tar xzf vis-network-*.tgz)
pkg="$work/package"
mkdir -p "$out"
cp "$pkg/dist/vis-network.min.js" "$out/vis-network.min.js"
cp "$pkg/dist/dist/vis-network.min.css" "$out/vis-network.css"
cp "$pkg/LICENSE-MIT" "$out/vis-network.LICENSE-MIT"
cp "$pkg/LICENSE-APACHE-2.0" "$out/vis-network.LICENSE-APACHE-2.0"
echo "vis-network $version (npm; dual licensed Apache-2.0 OR MIT)" > "$out/VERSIONS"
echo "vendored vis-network $version into $out"
