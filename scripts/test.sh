#!/usr/bin/env bash
# Install everything the tests need (Debian packages, Python packages, npm assets) and run the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v chromium >/dev/null || need+=(chromium)
command -v nginx >/dev/null || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
scripts/setup.sh requirements-dev.txt
.venv/bin/ruff check .
.venv/bin/bandit -q -c pyproject.toml -r app simulator rules bench
# The full search budget of the property-based tests (tests/support/fuzz.py); plain pytest: fast.
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-ci}"
exec .venv/bin/python -m pytest "$@"
