#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need
# (Debian's chromium, virtuoso-opensource and graphviz, the package with its dev extra),
# then runs ruff, mypy (strict on src/), import-linter and pytest. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource)
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

python3 -m pip install -q --disable-pip-version-check -e ".[dev]"
python3 -m ruff check src tests benchmarks
python3 -m mypy
lint-imports  # the layers contract in pyproject.toml
python3 -m pytest "$@"
