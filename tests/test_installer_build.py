"""Packaging: the PyInstaller one-folder build (slow: builds and runs it) and
the quick checks that keep the build inputs honest."""

from __future__ import annotations

import struct
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_package_is_listed_for_the_wheel() -> None:
    """pyproject lists its packages (to map resources/ into the package); a
    new subpackage missing from that list would be missing from wheels."""
    on_disk = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "veripost_desktop").rglob("__init__.py")
    }
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    assert listed == on_disk | {"veripost_desktop.resources"}
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {
        "veripost_desktop.resources": "resources"
    }


def test_resources_are_declared_as_package_data() -> None:
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["veripost_desktop.resources"]
    shipped = {
        path.relative_to(ROOT / "resources").as_posix()
        for pattern in patterns
        for path in (ROOT / "resources").glob(pattern)
        if path.is_file()
    }
    assert "icons/app.svg" in shipped
    assert "sample_package/LICENSE" in shipped
    assert "sample_package/SCL-SW-GRBL-1_1/SCL-SW-GRBL-1_1.SRC" in shipped
    # Every icon the window draws ships with it.
    from veripost_desktop.gui.widgets.icons import ICON_NAMES

    assert {f"icons/{name}.svg" for name in ICON_NAMES} <= shipped


def test_app_icon_ico_is_drawn_from_the_svg(tmp_path: Path) -> None:
    target = tmp_path / "veripost.ico"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_app_icon.py"), str(target)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    data = target.read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)
    sizes = []
    for i in range(count):
        width, height, _, _, planes, bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * i
        )
        assert (planes, bits) == (1, 32)
        assert data[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + length <= len(data)
        sizes.append(width or 256)
    assert sizes == [16, 20, 24, 32, 40, 48, 64, 128, 256]


@pytest.mark.slow
def test_build_installer_builds_a_working_one_folder_app() -> None:
    """scripts/build_installer.sh: PyInstaller build, then the built program's
    --version and --self-test, and the built veripost-cli's --version,
    validate and ingest of the sample package. A few minutes on 2 cores."""
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build_installer.sh")],
        capture_output=True,
        text=True,
        timeout=1800,
        cwd=ROOT,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    name, version = PYPROJECT["project"]["name"], PYPROJECT["project"]["version"]
    assert f"veripost {version}" in result.stdout
    assert "running from a built bundle" in result.stdout
    assert "self-test passed" in result.stdout
    # The command line, the second program of the same folder.
    assert f"veripost-cli {version}" in result.stdout
    assert "OK       " in result.stdout and "(4 files)" in result.stdout  # validate
    assert "READY    " in result.stdout  # ingest, with its parse process
    assert "veripost-cli: sample package validated and ingested" in result.stdout
    bundle = ROOT / "dist" / name
    assert (bundle / name).is_file() or (bundle / f"{name}.exe").is_file()
    assert (bundle / "veripost-cli").is_file() or (bundle / "veripost-cli.exe").is_file()
    internal = bundle / "_internal"
    # Alembic reads the migrations from disk; the icons are loaded as files.
    assert (internal / "veripost_desktop/core/catalog/migrations/env.py").is_file()
    assert (internal / "veripost_desktop/core/catalog/migrations/versions").is_dir()
    assert (internal / "veripost_desktop/resources/icons/app.svg").is_file()
    # Only the Qt modules in use.
    bound = {p.name.split(".")[0] for p in (internal / "PySide6").glob("Qt*.*")}
    assert bound <= {"QtCore", "QtGui", "QtWidgets", "QtSvg"}, bound
