#!/usr/bin/env bash
# The whole test suite, from a fresh machine: scripts/setup.sh --dev installs what the
# tests need (Debian's chromium, fonts-noto-cjk, virtuoso-opensource, graphviz and
# python3-venv when missing; the package with its dev extra into .venv), then ruff, mypy
# (strict on src/), import-linter (the layers contract) and pytest run from that venv.
# CI runs exactly this (.ci/run). Works inside an active virtual environment or outside
# one, as root or with sudo.
#   bash scripts/test.sh              # everything
#   bash scripts/test.sh tests/unit/cli/test_cli.py -q    # arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --dev
.venv/bin/python -m ruff check src tests benchmarks
.venv/bin/python -m mypy
.venv/bin/lint-imports  # the layers contract in pyproject.toml
exec .venv/bin/python -m pytest "$@"
