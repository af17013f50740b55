#!/usr/bin/env bash
# Set up (first run) and start VeriPost Desktop on its built-in defaults:
# catalog and local object store in the per-user data folder, no server needed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
if [[ "$(uname -s)" == "Linux" && -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" && -z "${QT_QPA_PLATFORM:-}" ]]; then
  echo "No display found: starting offscreen (the window is not visible). Ctrl+C to stop." >&2
  export QT_QPA_PLATFORM=offscreen
fi
exec .venv/bin/veripost "$@"
