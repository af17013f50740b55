#!/usr/bin/env bash
# Build the one-folder app with PyInstaller and prove the result works:
#   1. set up .venv with the `build` extra (PyInstaller), as bootstrap.sh does;
#   2. pyinstaller --noconfirm build_installer.spec  ->  dist/veripost-desktop/;
#   3. run the BUILT program: --version, then --self-test offscreen (a real
#      sample package ingested, stored and read back from a temporary folder).
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

echo "bundle: dist/$name ($(du -sh "dist/$name" | cut -f1))"
