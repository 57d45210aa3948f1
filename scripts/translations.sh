#!/usr/bin/env bash
# Translations (app/i18n): `extract` refreshes the .po files from the code after wording changes
# (translators then fill the new entries); `compile` (run by setup.sh) builds the .mo files the
# app reads. The .po files are the source, kept in git; the .mo files are built, not committed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
DIR=app/i18n/translations
case "${1:-compile}" in
  extract)
    "$PY" -m babel.messages.frontend extract -F babel.cfg -k N_ -k Np_:1,2 --no-location \
      --sort-output --project Doorstep -o app/i18n/messages.pot .
    "$PY" -m babel.messages.frontend update -i app/i18n/messages.pot -d "$DIR" --no-fuzzy-matching
    ;;
  compile)
    "$PY" -m babel.messages.frontend compile -d "$DIR" --statistics
    ;;
  *) echo "usage: $0 [extract|compile]" >&2; exit 2 ;;
esac
