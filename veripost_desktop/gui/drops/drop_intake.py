"""The files of a drop, checked and registered ``DROP_SLICE`` at a time.

Each file is checked at once (its central directory only): refused, a
candidate duplicate (its shape is a listed package's: see
``duplicate_check.py``), or accepted. The accepted files of a slice are
registered together (one write transaction, one row insert), then the event
loop gets a turn, so the window keeps painting while hundreds of ZIPs are
added.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QTimer

from veripost_desktop.core.zip_validation import ValidationResult
from veripost_desktop.gui.drops.duplicate_check import Shape, zip_shape
from veripost_desktop.gui.widgets.error_dialog import Refusal

log = logging.getLogger(__name__)

# Files of a drop checked and registered per turn of the event loop: about
# 0.5 ms of checking and 0.4 ms of registering each, so a slice keeps the
# window's longest pause near 25 ms however many files are dropped.
DROP_SLICE = 25
# Between slices. Not 0: zero timers chained one after another ran ahead of
# the timers already due and of painting (a 200-ZIP drop froze the window
# for 110 ms); 1 ms puts the next slice behind whatever is due.
SLICE_PAUSE_MS = 1


@dataclass(frozen=True)
class CheckedDrop:
    """What a drop left once its last file was checked."""

    refusals: list[Refusal]
    #: ZIPs of a listed shape, to be hashed before they get a row.
    candidates: list[ValidationResult]
    #: Its check went on after ``DropIntake.add`` returned (a drop larger
    #: than one slice), so ``add`` could not return its refusals.
    sliced: bool


@dataclass(eq=False)  # one drop is itself: removed from the list by identity
class _Drop:
    """The files of one drop not yet checked, and what the checked ones gave."""

    waiting: deque[Path]
    known_shapes: set[Shape]  # of the packages listed when the drop came
    refusals: list[Refusal] = field(default_factory=list)
    candidates: list[ValidationResult] = field(default_factory=list)
    sliced: bool = False


#: Registers and starts the accepted ZIPs of a slice; refusals go in the list.
RegisterMany = Callable[[list[ValidationResult], list[Refusal]], None]


class DropIntake:
    """Works through drops a slice per turn of the event loop (GUI thread).

    ``check`` checks one file, ``register`` takes a slice's accepted ZIPs and
    ``checked`` gets each drop's outcome once its last file is checked. The
    slices' timers belong to ``context``: they die with it.
    """

    def __init__(
        self,
        context: QObject,
        check: Callable[[Path], ValidationResult],
        register: RegisterMany,
        checked: Callable[[CheckedDrop], None],
    ) -> None:
        self._context = context
        self._check = check
        self._register = register
        self._checked = checked
        self._drops: list[_Drop] = []  # drops with files not checked yet
        self._closed = False

    @property
    def busy(self) -> bool:
        """A drop still has files waiting for their check."""
        return bool(self._drops)

    def add(self, paths: Iterable[Path], known_shapes: set[Shape]) -> list[Refusal]:
        """Start on a drop; the first slice is done before this returns.

        Returns the refusals of a drop of up to one slice; a larger one
        returns ``[]`` and hands all its refusals to ``checked`` at its end.
        """
        drop = _Drop(deque(Path(p) for p in paths), known_shapes)
        self._drops.append(drop)
        self._add_slice(drop)
        if drop.waiting:
            return []
        return drop.refusals

    def close(self) -> None:
        """The window is closing: what is left of a drop is not added."""
        self._closed = True

    def _add_slice(self, drop: _Drop) -> None:
        if self._closed:
            drop.waiting.clear()
            self._drops.remove(drop)
            return
        accepted: list[ValidationResult] = []
        for _ in range(min(DROP_SLICE, len(drop.waiting))):
            path = drop.waiting.popleft()
            validation = self._check(path)
            error = validation.error
            if error is not None:
                log.info("refused %s: %s (%s)", path, error.code, error.detail)
                drop.refusals.append(Refusal(path, error))
            elif zip_shape(validation) in drop.known_shapes:
                drop.candidates.append(validation)
            else:
                accepted.append(validation)
        # One write transaction and one row insert per slice, not one per ZIP.
        self._register(accepted, drop.refusals)
        if drop.waiting:
            QTimer.singleShot(SLICE_PAUSE_MS, self._context, partial(self._add_slice, drop))
            drop.sliced = True
            return
        self._drops.remove(drop)
        self._checked(CheckedDrop(drop.refusals, drop.candidates, drop.sliced))
