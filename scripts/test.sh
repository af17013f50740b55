#!/usr/bin/env bash
# Set up (first run) and run the test suite: lint, then pytest offscreen.
# Slow tests (multi-GiB archives, process kills) run with: scripts/test.sh -m slow
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check veripost_desktop tests bench
.venv/bin/python -m pytest "$@"
