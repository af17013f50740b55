"""The Qt Widgets front: a thin layer over ``veripost_desktop.core``.

Read in this order: ``main_window.py`` (layout and wiring), then
``ingestion_controller.py`` (drops -> workers -> model updates, retry,
cancel, the duplicate check), ``package_actions.py`` / ``file_actions.py``
(what a person can do to a package or a stored file), the table models and
the workers (``ingest_worker.py``, ``maintenance_worker.py``, ...). The
source viewer is ``source_viewers.py`` -> ``source_viewer.py`` with
``upg_highlighter.py`` and ``section_outline_model.py``. Nothing in ``core``
imports from here.
"""
