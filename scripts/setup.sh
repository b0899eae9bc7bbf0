#!/usr/bin/env bash
# Set-up from a fresh machine (Debian 12's externally managed python3 included):
# installs the Debian packages that are missing through apt-get, as root or with sudo
# (python3-venv, which Debian splits off python3; with --dev also what the tests need:
# chromium, fonts-noto-cjk, virtuoso-opensource, graphviz, and libatomic1 for
# playwright's driver), then creates .venv (if missing) and installs the package into it.
#   bash scripts/setup.sh          # the package, for the g60graph command
#   bash scripts/setup.sh --dev    # editable, with the dev extra (scripts/test.sh runs this)
# Works inside an active virtual environment or outside one.
set -euo pipefail
cd "$(dirname "$0")/.."

dev=false
case "${1:-}" in
  --dev) dev=true ;;
  "") ;;
  *) echo "setup.sh: unknown option ${1} (only --dev)" >&2; exit 2 ;;
esac

# The Python that makes .venv: the system's (or pyenv's), never an active venv's own
# python (a venv made from a venv would inherit nothing useful and breaks on removal).
python=python3
if [ -n "${VIRTUAL_ENV:-}" ] && [ "$(realpath "$VIRTUAL_ENV")" != "$(realpath -m .venv)" ]; then
  python=$("$VIRTUAL_ENV/bin/python" -c 'import sys; print(sys._base_executable)')
fi

missing=()
if [ ! -x .venv/bin/python ] && ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  missing+=(python3-venv)  # Debian splits venv's pip bootstrap into its own package
fi
if $dev; then
  command -v dot >/dev/null 2>&1 || missing+=(graphviz)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource)
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)  # Chinese in screenshots
  dpkg -s libatomic1 >/dev/null 2>&1 || missing+=(libatomic1)  # playwright's node driver
fi
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "setup.sh: installing ${missing[*]} (apt-get)" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[ -x .venv/bin/python ] || "$python" -m venv .venv
if $dev; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev]"
else
  .venv/bin/python -m pip install -q --disable-pip-version-check .
fi
