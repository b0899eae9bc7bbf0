#!/usr/bin/env bash
# Re-fetch the query page's front-end libraries from npm, at the exact versions pinned in
# scripts/vendor-page/package-lock.json, and bundle them (esbuild, same lockfile) into
# src/g60graph/render/static/vendor/codemirror.js with every bundled package's licence
# beside it. The output is committed: nothing is fetched at install, run or test time.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../src/g60graph/render/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp "$here/vendor-page/package.json" "$here/vendor-page/package-lock.json" \
   "$here/vendor-page/codemirror-entry.js" "$work/"
(cd "$work" && npm ci --no-audit --no-fund --ignore-scripts --silent)
mkdir -p "$out/licenses"
"$work/node_modules/.bin/esbuild" "$work/codemirror-entry.js" --bundle --minify \
  --format=iife --global-name=CM --target=es2019 --legal-comments=none \
  --outfile="$out/codemirror.js"

# One licence file per bundled package (everything in the lockfile but the build tool).
rm -f "$out/licenses/"*.txt
(cd "$work" && node -e '
  const lock = require("./package-lock.json");
  for (const [path, meta] of Object.entries(lock.packages)) {
    if (!path || meta.dev) continue;
    console.log(path.replace(/^node_modules\//, "") + " " + meta.version);
  }' ) | while read -r name version; do
  licence="$(ls "$work/node_modules/$name"/LICEN[SC]E* | head -n 1)"
  {
    echo "$name $version (npm), bundled into codemirror.js"
    echo
    cat "$licence"
  } > "$out/licenses/${name//\//__}.txt"
done
echo "wrote $out/codemirror.js ($(wc -c < "$out/codemirror.js") bytes) and $(ls "$out/licenses" | wc -l) licences"
