#!/usr/bin/env bash
# Build the one-folder app with PyInstaller and prove the result works:
#   1. set up .venv with the `build` extra (PyInstaller), as bootstrap.sh does;
#   2. pyinstaller --noconfirm build_installer.spec  ->  dist/veripost-desktop/;
#   3. run the BUILT program: --version, then --self-test offscreen (a real
#      sample package ingested, stored and read back from a temporary folder);
#   4. run the BUILT veripost-cli beside it: --version, then validate and
#      ingest the sample package into a temporary data folder.
# Exit status is non-zero if any step fails. About 1-2 minutes on 2 cores.
# On Windows the same steps are in docs/INSTALLER.md (PowerShell), followed by
# the Inno Setup step that turns dist\veripost-desktop\ into an installer.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh build

name=$(.venv/bin/python -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["name"])')
version=$(.venv/bin/python -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')

.venv/bin/python -m PyInstaller --noconfirm --clean \
  --workpath build/pyinstaller --distpath dist build_installer.spec

app="dist/$name/$name"
[[ -x "$app" ]] || { echo "build_installer: $app was not built" >&2; exit 1; }

# The bundle must not lean on the checkout or the venv: run it from elsewhere,
# with no VERIPOST_* settings and no display.
run_built() {
  (cd "${TMPDIR:-/tmp}" && env -u PYTHONPATH QT_QPA_PLATFORM=offscreen "$OLDPWD/$app" "$@")
}

reported=$(run_built --version)
echo "$reported"
if [[ "$reported" != "veripost $version" ]]; then
  echo "build_installer: expected 'veripost $version' from --version" >&2
  exit 1
fi
run_built --self-test

# veripost-cli, the second program of the bundle (same _internal/).
cli="dist/$name/veripost-cli"
[[ -x "$cli" ]] || { echo "build_installer: $cli was not built" >&2; exit 1; }
run_cli() {
  (cd "${TMPDIR:-/tmp}" && env -u PYTHONPATH \
    VERIPOST_CONFIG_FILE="$work/no-settings.toml" VERIPOST_DATA_DIR="$work/data" \
    VERIPOST_LOG_DIR="$work/logs" "$OLDPWD/$cli" "$@")
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
reported=$(run_cli --version)
echo "$reported"
if [[ "$reported" != "veripost-cli $version" ]]; then
  echo "build_installer: expected 'veripost-cli $version' from veripost-cli --version" >&2
  exit 1
fi
sample="$work/SCL-SW-GRBL-1_1.zip"
.venv/bin/python - "$sample" <<'PY'
import sys, zipfile
from pathlib import Path
folder = Path("resources/sample_package/SCL-SW-GRBL-1_1")
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as zf:
    for path in sorted(folder.iterdir()):
        zf.write(path, f"{folder.name}/{path.name}")
PY
run_cli validate "$sample"
# Ingest runs the parse process, which the frozen veripost-cli starts as itself.
run_cli ingest "$sample"
echo "veripost-cli: sample package validated and ingested"

echo "bundle: dist/$name ($(du -sh "dist/$name" | cut -f1))"
