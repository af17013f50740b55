#!/usr/bin/env bash
# Set up (first run) and run the test suite: lint, then pytest offscreen.
#   scripts/test.sh            the default tier: fast unit tests, and
#                              integration tests with a real S3 server
#   scripts/test.sh -m slow    the slow tier: process kills, multi-GiB
#                              archives, the benchmark's quick run, the
#                              installer build (CI runs both tiers: .ci/run)
# Any other pytest arguments pass through (a file, -k, -x ...).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check veripost_desktop tests bench
.venv/bin/ruff format --check veripost_desktop tests bench
# The core (no Qt) is held to mypy --strict; the fronts to the project's mypy settings.
.venv/bin/mypy --strict veripost_desktop/core
.venv/bin/python -m pytest "$@"
