"""The ``veripost`` and ``veripost-cli`` commands (see pyproject.toml).

Light on purpose: a parse process (core/ingestion/parse_pool.py) is started
with the "spawn" method, which imports the starting program's main script
again, and the script pip writes for a command imports the module named
here. From this module that costs nothing; from ``veripost_desktop.app`` it
would load Qt, and from the CLI the catalog and storage libraries, into every
parse process (about 80 MB each).
"""

from __future__ import annotations

import multiprocessing


def gui() -> int:
    """``veripost``: the window."""
    multiprocessing.freeze_support()  # a no-op unless frozen (PyInstaller)
    from veripost_desktop.app import main

    return main()


def cli() -> int:
    """``veripost-cli``."""
    multiprocessing.freeze_support()
    from veripost_desktop.cli.main import main

    return main()
