"""PyInstaller's entry script for ``build_installer.spec``: the ``veripost``
GUI entry point, ``veripost_desktop.app:main``.

A script outside the package, so PyInstaller does not put
``veripost_desktop/`` itself on the module path (``python -m`` semantics
would let ``app`` be imported twice, as ``app`` and ``veripost_desktop.app``).
"""

from veripost_desktop.app import main

if __name__ == "__main__":
    raise SystemExit(main())
