"""``veripost --self-test``: run as a person (or the installer build) would, in
a fresh process, and its failure path in-process."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gui.conftest import closed_port
from veripost_desktop import self_test
from veripost_desktop.gui.widgets import icons

SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "sample_package"


def run_self_test(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "veripost_desktop", "--self-test", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=Path(__file__).resolve().parents[1],
    )


def test_self_test_passes_and_reports(tmp_path: Path) -> None:
    report_file = tmp_path / "report.txt"
    # Nothing of this machine's configuration may leak in: an unreachable
    # server in the environment must not matter, and no display is needed.
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM" and k != "DISPLAY"}
    env["VERIPOST_S3_ENDPOINT"] = f"http://127.0.0.1:{closed_port()}"
    env["VERIPOST_DATA_DIR"] = str(tmp_path / "must-stay-empty")
    result = run_self_test("--report", str(report_file), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "VeriPost Desktop" in out and "self-test" in out
    assert "Qt platform offscreen" in out
    from veripost_desktop.gui.widgets.icons import ICON_NAMES

    assert f"ok    icons drawn from SVG ({len(ICON_NAMES)})" in out
    assert "ok    sample ingested: ready" in out
    assert "ok    catalog created; Alembic migrated it to" in out
    for path in sorted((SAMPLE / self_test.SAMPLE_PACKAGE).iterdir()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        line = f"ok    {path.name}: {path.stat().st_size} bytes, sha256 {digest[:16]}..."
        assert f"{line} matches in catalog, store and download" in out
    assert "FAIL" not in out
    assert out.rstrip().splitlines()[-1].startswith("self-test passed in ")
    assert report_file.read_text(encoding="utf-8") == out
    assert not (tmp_path / "must-stay-empty").exists()


def test_sample_package_ships_with_its_licence() -> None:
    files = self_test.sample_files()
    assert [p.name for p in files] == [
        "SCL-SW-GRBL-1_1.LIB",
        "SCL-SW-GRBL-1_1.SRC",
        "SCL-SW-GRBL-1_1.ctl",
        "SCL-SW-GRBL-1_1.lng",
    ]
    licence = (SAMPLE / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Copyright (c) 2023 screaminlean" in licence


def test_self_test_fails_with_a_report_when_something_is_missing(
    qtbot: object, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def no_resources() -> Path:
        raise FileNotFoundError("VeriPost's resources folder is missing (test)")

    monkeypatch.setattr(icons, "resources_dir", no_resources)
    icons._cached_icon.cache_clear()
    out = io.StringIO()
    try:
        code = self_test.run_self_test(out, timeout_s=10, report_path=tmp_path / "r.txt")
    finally:
        icons._cached_icon.cache_clear()
    text = out.getvalue()
    assert code == 1
    assert "FAIL  icons not drawable: app, add" in text
    assert "resources folder is missing (test)" in text
    assert text.rstrip().splitlines()[-1].startswith("self-test FAILED")
    assert (tmp_path / "r.txt").read_text(encoding="utf-8") == text
