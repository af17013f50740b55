"""The window's own actions (adding packages, Find, Settings, Cancel all,
Help) and where every action goes: menus with mnemonics, the toolbar.

Package and file actions are made by ``package_actions.py``,
``file_actions.py`` and ``package_zip_export.py``; they are only placed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from veripost_desktop.gui.files.file_actions import FileActions
from veripost_desktop.gui.packages.package_actions import PackageActions
from veripost_desktop.gui.widgets.action_factory import make_action


@dataclass(frozen=True)
class WindowActions:
    add: QAction
    quit: QAction
    find: QAction
    settings: QAction
    cancel_all: QAction
    open_log_folder: QAction
    about: QAction


def window_actions(parent: QObject) -> WindowActions:
    find = make_action(
        parent,
        "findAction",
        "&Find packages",
        "Filter the package table by name, machine, controller or status (Ctrl+F or Ctrl+K)",
    )
    # Ctrl+F (the platform's Find) and Ctrl+K, for the main window only: a
    # source viewer window has its own Ctrl+F.
    find.setShortcuts([QKeySequence(QKeySequence.StandardKey.Find), QKeySequence("Ctrl+K")])
    find.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    cancel_all = make_action(
        parent,
        "cancelAllAction",
        "Cancel &all ingestions",
        "Stop every queued and running ingestion; each ends as cancelled",
        icon="cancel",
    )
    cancel_all.setIconText("Cancel all")
    cancel_all.setEnabled(False)
    return WindowActions(
        add=make_action(
            parent,
            "addPackagesAction",
            "&Add packages...",
            "Choose post processor ZIPs to add (Ctrl+O)",
            "Ctrl+O",
            "add",
        ),
        # Spelled out: QKeySequence.Quit is empty on Windows.
        quit=make_action(
            parent, "quitAction", "&Quit", "Close VeriPost Desktop (Ctrl+Q)", "Ctrl+Q"
        ),
        find=find,
        # Spelled out: QKeySequence.Preferences is empty on Windows.
        settings=make_action(
            parent,
            "settingsAction",
            "Se&ttings...",
            "Storage, ingestion and ZIP limits (Ctrl+,)",
            "Ctrl+,",
            "settings",
        ),
        cancel_all=cancel_all,
        open_log_folder=make_action(
            parent, "openLogFolderAction", "Open &log folder", "Show the folder of the log file"
        ),
        about=make_action(
            parent,
            "aboutAction",
            "&About VeriPost Desktop",
            "Version, the Qt it runs on, the store in use and the licences",
        ),
    )


@dataclass(frozen=True)
class WindowMenus:
    file: QMenu
    edit: QMenu
    package: QMenu
    help: QMenu
    toolbar: QToolBar


def build_menus(
    window: QMainWindow,
    actions: WindowActions,
    package_actions: PackageActions,
    file_actions: FileActions,
    save_zip: QAction,
) -> WindowMenus:
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.setObjectName("fileMenu")
    file_menu.addAction(actions.add)
    file_menu.addSeparator()
    file_menu.addAction(file_actions.save_selected_action)
    file_menu.addAction(save_zip)
    file_menu.addSeparator()
    file_menu.addAction(actions.quit)

    edit_menu = bar.addMenu("&Edit")
    edit_menu.setObjectName("editMenu")
    edit_menu.addAction(actions.find)
    edit_menu.addSeparator()
    edit_menu.addAction(file_actions.copy_key_action)
    edit_menu.addAction(file_actions.copy_sha_action)
    edit_menu.addSeparator()
    edit_menu.addAction(actions.settings)

    package_menu = bar.addMenu("&Package")
    package_menu.setObjectName("packageMenu")
    package_menu.addActions(package_actions.package_actions)
    package_menu.addAction(package_actions.retry_all_action)
    package_menu.addAction(actions.cancel_all)
    package_menu.addSeparator()
    package_menu.addAction(file_actions.view_source_action)
    package_menu.addAction(file_actions.save_file_action)

    help_menu = bar.addMenu("&Help")
    help_menu.setObjectName("helpMenu")
    help_menu.addAction(actions.open_log_folder)
    help_menu.addAction(actions.about)

    toolbar = QToolBar("Main toolbar", window)
    toolbar.setObjectName("mainToolBar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toolbar.setMovable(False)
    toolbar.addAction(actions.add)
    toolbar.addSeparator()
    toolbar.addAction(file_actions.view_source_action)
    toolbar.addSeparator()
    toolbar.addActions(package_actions.package_actions)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
    return WindowMenus(file_menu, edit_menu, package_menu, help_menu, toolbar)
