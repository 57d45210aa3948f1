#!/usr/bin/env bash
# Set up (first time) and start Doorstep on the in-memory store with a demo fleet driving.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh requirements.txt
exec .venv/bin/python -m app --demo "$@"
