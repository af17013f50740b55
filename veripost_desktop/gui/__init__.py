"""The Qt Widgets front: a thin layer over ``veripost_desktop.core``; one
folder per part of the window (each folder's ``__init__`` says what lives
there). Start at ``window/main_window.py``. Nothing in ``core`` imports from here.
"""
