"""The one way a person sees an error: message in the box, code beside it,
the technical detail behind Qt's own "Show Details..." pane.

``error_box`` / ``refusal_box`` build the box (tests and callers can inspect
it); ``show_error`` / ``show_refusals`` build it and run it with ``exec()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from veripost_desktop.core.catalog import PackageRecord
from veripost_desktop.core.errors import ErrorCode, UserError

OBJECT_NAME = "errorDialog"
APP_TITLE = "VeriPost Desktop"


@dataclass(frozen=True)
class Refusal:
    """A file that was not added, and why."""

    path: Path
    error: UserError


def package_error(record: PackageRecord) -> UserError:
    """The error a package row carries, in the one error shape."""
    return UserError(
        code=record.error_code or ErrorCode.INTERNAL_ERROR,
        message=record.error_message or "This package could not be added.",
        detail=record.error_detail or "",
    )


def error_box(
    parent: QWidget | None,
    error: UserError,
    *,
    title: str = APP_TITLE,
    subject: str | None = None,
) -> QMessageBox:
    """A warning box for one error. ``subject`` says what it is about ("File: x.zip")."""
    box = _box(parent, title)
    box.setText(f"{error.message}\n\nError code: {error.code}")
    if subject:
        box.setInformativeText(subject)
    box.setDetailedText(_detail_block(subject, error))
    return box


def refusal_box(parent: QWidget | None, refusals: Sequence[Refusal]) -> QMessageBox:
    """One box for every file of a drop that was not added."""
    if not refusals:
        raise ValueError("refusal_box needs at least one refusal")
    if len(refusals) == 1:
        refusal = refusals[0]
        return error_box(
            parent,
            refusal.error,
            title="File not added",
            subject=f"File: {refusal.path.name}",
        )
    box = _box(parent, "Files not added")
    lines = [f"{len(refusals)} files were not added.", ""]
    lines += [f"{r.path.name}: {r.error.message} ({r.error.code})" for r in refusals]
    box.setText("\n".join(lines))
    box.setDetailedText("\n\n".join(_detail_block(f"File: {r.path}", r.error) for r in refusals))
    return box


def failures_box(
    parent: QWidget | None,
    title: str,
    headline: str,
    failures: Sequence[tuple[str, UserError]],
) -> QMessageBox:
    """One box for several things (named by the first of each pair) that failed:
    a line each in the text, every detail behind "Show Details..."."""
    if len(failures) == 1:
        subject, error = failures[0]
        return error_box(parent, error, title=title, subject=subject)
    box = _box(parent, title)
    lines = [headline, ""]
    lines += [f"{subject}: {error.message} ({error.code})" for subject, error in failures]
    box.setText("\n".join(lines))
    box.setDetailedText("\n\n".join(_detail_block(subject, error) for subject, error in failures))
    return box


def show_error(
    parent: QWidget | None,
    error: UserError,
    *,
    title: str = APP_TITLE,
    subject: str | None = None,
) -> None:
    _run(error_box(parent, error, title=title, subject=subject))


def show_refusals(parent: QWidget | None, refusals: Sequence[Refusal]) -> None:
    if refusals:
        _run(refusal_box(parent, refusals))


def _box(parent: QWidget | None, title: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName(OBJECT_NAME)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box


def _detail_block(subject: str | None, error: UserError) -> str:
    lines = [subject] if subject else []
    lines.append(f"Error code: {error.code}")
    lines.append(error.detail or "(no further detail)")
    return "\n".join(lines)


def _run(box: QMessageBox) -> None:
    try:
        box.exec()
    finally:
        box.deleteLater()
