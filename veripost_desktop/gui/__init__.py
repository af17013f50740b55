"""The Qt Widgets front: a thin layer over ``veripost_desktop.core``.

Read in this order: ``main_window.py`` (layout and user actions), then
``ingestion_controller.py`` (drops -> workers -> model updates), the two
table models and the workers. Nothing in ``core`` imports from here.
"""
