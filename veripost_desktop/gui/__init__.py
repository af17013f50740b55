"""The Qt Widgets front: a thin layer over ``veripost_desktop.core``.

Read in this order: ``main_window.py`` (wiring), with ``window_layout.py``,
``window_actions.py`` (menus, toolbar, shortcuts) and ``window_state.py``
(the layout kept in QSettings); then ``ingestion_controller.py`` (drops ->
workers -> model updates, retry, cancel, the duplicate check) and
``batch_progress.py`` (the status bar's account of a batch);
``drop_rules.py`` (what may be dropped); ``services_lifecycle.py`` (settling
interrupted jobs at start, reopening after Settings); ``package_actions.py``
/ ``file_actions.py`` / ``package_zip_export.py`` (what a person can do to a
package or its stored files); the table models with ``package_filter.py``
and ``package_search_bar.py`` (Find); and the workers (``reporting_worker.py``
the contract, ``core_call_runner.py``, ``ingest_worker.py``, ...). The source
viewer is ``source_viewers.py`` -> ``source_viewer.py`` with ``upg_highlighter.py`` and
``section_outline_model.py``. Nothing in ``core`` imports from here.
"""
