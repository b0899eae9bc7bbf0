#!/usr/bin/env bash
# Re-fetch Apache ECharts, the charting library the chart and timeline pages inline,
# from the npm registry by exact version, with its licence and notice.
#   bash scripts/vendor-echarts.sh                 # the pinned version
#   ECHARTS=6.1.0 bash scripts/vendor-echarts.sh   # try another one
set -euo pipefail
cd "$(dirname "$0")/.."
version="${ECHARTS:-6.1.0}"
out=src/g60graph/render/static/vendor/echarts
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "echarts@$version" >/dev/null && tar xzf "echarts-$version.tgz")
pkg="$work/package"
mkdir -p "$out"
# The full build: line, bar, scatter and custom series, SVG and canvas renderers, no eval.
cp "$pkg/dist/echarts.min.js" "$out/echarts.min.js"
cp "$pkg/LICENSE" "$out/LICENSE"
cp "$pkg/NOTICE" "$out/NOTICE"
cp "$pkg/licenses/LICENSE-d3" "$out/LICENSE-d3"
echo "echarts $version (npm; Apache-2.0, embeds parts of d3 under BSD-3-Clause)" > "$out/VERSION"
echo "vendored echarts $version into $out"
