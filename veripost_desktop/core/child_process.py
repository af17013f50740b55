"""What every helper process of ours runs first (see core/ingestion/parse_pool.py).

Kept apart and light: a spawned process imports this module before its
first task, so it must not pull in the catalog, storage or Qt.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import sys
import threading


def start_helper_process() -> None:
    """A pool's initializer: background priority, and an end with the parent."""
    lower_priority()
    exit_with_parent()


def lower_priority() -> None:
    """Run below the app: the window and the uploads come first when the
    cores are busy, and the parse processes use what is left."""
    try:
        if sys.platform == "win32":
            import ctypes

            below_normal = 0x00004000  # BELOW_NORMAL_PRIORITY_CLASS
            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), below_normal)
        else:
            os.nice(10)
    except OSError:
        pass  # a priority is a preference: never a reason to fail


def exit_with_parent() -> None:
    """End this process when the one that started it ends.

    A process pool's worker waits on a queue whose writing end it holds
    itself, so when its parent is killed (crash, Task Manager, SIGKILL) it
    would wait for ever. The parent's sentinel (a process handle on
    Windows, a pipe elsewhere) becomes ready when the parent is gone.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
