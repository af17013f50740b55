"""PyInstaller's entry script for ``build_installer.spec``: the ``veripost``
GUI entry point, ``veripost_desktop.app:main``.

A script outside the package, so PyInstaller does not put
``veripost_desktop/`` itself on the module path (``python -m`` semantics
would let ``app`` be imported twice, as ``app`` and ``veripost_desktop.app``).

The built program is also what runs the parse processes
(``core/ingestion/parse_pool.py``): ``freeze_support`` turns such a start
into a parse process before anything else is imported.
"""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from veripost_desktop.app import main

    raise SystemExit(main())
