"""The commands' entry module stays light: every parse process imports it."""

from __future__ import annotations

import subprocess
import sys


def test_the_entry_module_loads_neither_qt_nor_the_catalog() -> None:
    probe = (
        "import sys, veripost_desktop.entry_points as e; "
        "print(sorted(m for m in ('PySide6', 'sqlalchemy', 'minio', 'pydantic') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]"


def test_the_installed_cli_command_runs() -> None:
    from pathlib import Path

    script = Path(sys.executable).with_name("veripost-cli")
    if not script.exists():
        script = script.with_suffix(".exe")
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("veripost-cli ")
