#!/usr/bin/env bash
# Install what the app needs to run: a virtualenv with the pinned Python packages, the npm assets
# and the street map.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet --disable-pip-version-check -r "${1:-requirements.txt}"
npm ci --no-audit --no-fund --loglevel=error
# The Finnish and Swedish catalogs (app/i18n/translations/*.po -> .mo).
scripts/translations.sh compile >/dev/null
# The bundled map's streets (var/basemap/helsinki.pmtiles): seconds once, then reused.
.venv/bin/python -m app basemap build
