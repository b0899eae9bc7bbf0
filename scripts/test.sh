#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need (Debian's
# chromium, fonts-noto-cjk, virtuoso-opensource, graphviz and python3-venv when missing),
# the package with its dev extra into .venv (created if missing), then runs ruff, mypy
# (strict on src/), import-linter (the layers contract) and pytest from that venv. CI runs exactly this (.ci/run).
# Works inside an active virtual environment or outside one, as root or with sudo.
#   bash scripts/test.sh              # everything
#   bash scripts/test.sh tests/test_cli.py -q    # arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

# The Python that makes .venv: the system's (or pyenv's), never an active venv's own
# python (a venv made from a venv would inherit nothing useful and breaks on removal).
python=python3
if [ -n "${VIRTUAL_ENV:-}" ] && [ "$(realpath "$VIRTUAL_ENV")" != "$(realpath -m .venv)" ]; then
  python=$("$VIRTUAL_ENV/bin/python" -c 'import sys; print(sys._base_executable)')
fi

missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)  # Chinese in screenshots
if [ ! -x .venv/bin/python ] && ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  missing+=(python3-venv)  # Debian splits venv's pip bootstrap into its own package
fi
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "test.sh: installing ${missing[*]} (apt-get)" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev]"
.venv/bin/python -m ruff check src tests benchmarks
.venv/bin/python -m mypy
.venv/bin/lint-imports  # the layers contract in pyproject.toml
exec .venv/bin/python -m pytest "$@"
