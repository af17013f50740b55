"""The core: validation, ingestion, storage, catalog and UPG parsing.

Nothing under this package imports Qt. The GUI (``veripost_desktop.gui``) and
the CLI (``veripost_desktop.cli``) are thin fronts on it.
"""
