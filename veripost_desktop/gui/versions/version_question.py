"""The question asked once the packages of a drop are ready and some look like
new versions of posts already listed: one question for all of them.

The answer is exec()'s return value: the standard Yes / No buttons renamed
*New version* / *Separate post*. Nothing is linked without that answer: two
posts that only share a file name stay apart unless the person says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtWidgets import QMessageBox, QWidget

from veripost_desktop.gui.versions.candidates import VersionMatch

OBJECT_NAME = "versionQuestion"
NEW_VERSION = "New version"
SEPARATE_POST = "Separate post"
#: Below this similarity the safer answer is the default one.
LIKELY_SIMILARITY = 0.5

_Button = QMessageBox.StandardButton


def source_name(source_path: str) -> str:
    """The ZIP's file name, whichever system's path it was added from."""
    return re.split(r"[\\/]", source_path.rstrip("\\/"))[-1]


def zip_name(match: VersionMatch) -> str:
    """The dropped file's name: what the person knows the new package by."""
    return source_name(match.package.source_path) or match.package.name


def candidate_text(match: VersionMatch) -> str:
    """ "v2 of 2, added by ann on 2026-12-01, 97% alike" """
    parts = []
    version = match.candidate.version_number
    if match.versions > 1:
        parts.append(f"v{version} of {match.versions}")
    added = match.candidate.created_at.astimezone().strftime("%Y-%m-%d")
    who = match.candidate.uploaded_by
    parts.append(f"added by {who} on {added}" if who else f"added on {added}")
    parts.append(f"{round(match.similarity * 100)}% alike")
    return ", ".join(parts)


def planned_versions(matches: Sequence[VersionMatch]) -> list[int]:
    """The number each package gets if the answer is *New version*: linked in
    order, two packages joining one post take the next number each, and a
    package whose candidate joins a post in the same answer follows it there."""
    post_of: dict[str, str] = {}  # package id -> the post it will be in
    top: dict[str, int] = {}  # post -> its highest number so far
    planned = []
    for match in matches:
        post = post_of.get(match.candidate.id, match.candidate.post)
        number = top.get(post, match.versions) + 1
        planned.append(number)
        top[post] = number
        post_of[match.package.id] = post
    return planned


def question_line(match: VersionMatch, version: int) -> str:
    return (
        f"{zip_name(match)} looks like a new version of {match.candidate.name} "
        f"({candidate_text(match)}). Make it version {version}?"
    )


def list_line(match: VersionMatch, version: int) -> str:
    return (
        f"{zip_name(match)}: version {version} of {match.candidate.name} ({candidate_text(match)})"
    )


def version_box(parent: QWidget | None, matches: Sequence[VersionMatch]) -> QMessageBox:
    if not matches:
        raise ValueError("version_box needs at least one match")
    box = QMessageBox(parent)
    box.setObjectName(OBJECT_NAME)
    box.setIcon(QMessageBox.Icon.Question)
    versions = planned_versions(matches)
    if len(matches) == 1:
        box.setWindowTitle("New version of a post?")
        box.setText(question_line(matches[0], versions[0]))
        box.setInformativeText(
            "Its .SRC has the same name. Choose Separate post if it is another post "
            "that only shares the file name (another customer's, for example)."
        )
    else:
        box.setWindowTitle("New versions of posts?")
        box.setText(
            f"{len(matches)} of the added packages look like new versions of posts "
            "already in the catalog. Make each the next version of the post named?"
        )
        box.setInformativeText(
            "\n".join(list_line(m, v) for m, v in zip(matches, versions, strict=True))
            + "\n\nThe answer applies to all of them; Separate post keeps each a post "
            "of its own."
        )
    box.setDetailedText(
        "\n\n".join(
            f"New package: {m.package.id} ({m.package.source_path})\n"
            f"Version of: {m.candidate.id} (post {m.candidate.post}), "
            f"similarity {m.similarity:.3f}"
            for m in matches
        )
    )
    box.setStandardButtons(_Button.Yes | _Button.No)
    _rename(box, _Button.Yes, NEW_VERSION)
    _rename(box, _Button.No, SEPARATE_POST)
    likely = all(m.similarity >= LIKELY_SIMILARITY for m in matches)
    box.setDefaultButton(_Button.Yes if likely else _Button.No)
    box.setEscapeButton(_Button.No)
    return box


def ask_about_versions(parent: QWidget | None, matches: Sequence[VersionMatch]) -> bool:
    """Whether the person chose *New version* (for all of ``matches``)."""
    box = version_box(parent, matches)
    try:
        answer = box.exec()
    finally:
        box.deleteLater()
    return answer == _Button.Yes


def _rename(box: QMessageBox, which: QMessageBox.StandardButton, text: str) -> None:
    button = box.button(which)
    if button is not None:
        button.setText(text)
