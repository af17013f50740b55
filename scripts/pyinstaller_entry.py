"""PyInstaller's entry script for ``build_installer.spec``: both programs of
the one-folder bundle, told apart by the name they were started as.

- ``veripost-desktop[.exe]`` (windowed on Windows): ``veripost_desktop.app:main``;
- ``veripost-cli[.exe]`` (a console program): ``veripost_desktop.cli.main:main``.

One script and one analysis for both, so the two executables share every
library in ``_internal/``; the spec only names them and sets their console flag.

A script outside the package, so PyInstaller does not put
``veripost_desktop/`` itself on the module path (``python -m`` semantics
would let ``app`` be imported twice, as ``app`` and ``veripost_desktop.app``).

Each built program also runs the parse processes it starts
(``core/ingestion/parse_pool.py``): ``freeze_support`` turns such a start
into a parse process before anything else is imported.
"""

import multiprocessing
import sys
from pathlib import Path

CLI_NAME = "veripost-cli"  # build_installer.spec names the console program so


def started_as_cli(executable: str) -> bool:
    return Path(executable).stem.lower() == CLI_NAME


if __name__ == "__main__":
    multiprocessing.freeze_support()
    if started_as_cli(sys.executable):
        from veripost_desktop.cli.main import main
    else:
        from veripost_desktop.app import main

    raise SystemExit(main())
