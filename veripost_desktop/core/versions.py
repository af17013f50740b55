"""Versions of a post: the packages that are one post's history (issue 13, part 4).

A package is its own post (version 1) until it is linked as a new version of
another package's post: it then takes that post's id (the first version's
package id) and the next number. The link is made only when a person or a
script asks for it (``ingest --version-of ID``; the window's question on a
drop), or by ``--version-of auto``: the most similar ready package whose
``.SRC`` has the same name, when the similarity is at least 0.5. Two posts
that only share a file name are never linked without being asked.

The link travels in the package's manifest (``post``), rewritten when the
link is made, so every desktop sees the same history at its next refresh.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from veripost_desktop.core.catalog import Catalog, PackageRecord, PackageStatus
from veripost_desktop.core.catalog.models import PackageFileRow, PackageRow
from veripost_desktop.core.catalog.synced_packages import set_manifest_etag
from veripost_desktop.core.compare.similarity import SimilarPost, rank_similar
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.storage.object_store import ObjectStore
from veripost_desktop.core.team.change_marker import announce_change
from veripost_desktop.core.team.publishing import host_name, publish

log = logging.getLogger(__name__)

AUTO = "auto"
# --version-of auto links only to a post at least this similar.
AUTO_MIN_SIMILARITY = 0.5


@dataclass(frozen=True)
class VersionEntry:
    package_id: str
    name: str
    version: int
    uploaded_by: str | None
    created_at: datetime
    similarity_to_previous: float | None  # None for version 1
    changed_sections: int | None  # against the previous version; None for version 1

    def to_json(self) -> dict[str, Any]:
        return {
            "package_id": self.package_id,
            "name": self.name,
            "version": self.version,
            "uploaded_by": self.uploaded_by,
            "created_at": self.created_at.isoformat(),
            "similarity_to_previous": self.similarity_to_previous,
            "changed_sections": self.changed_sections,
        }


@dataclass(frozen=True)
class VersionCandidate:
    """The package a new one most likely continues: for the window's question."""

    package: PackageRecord
    similarity: float
    versions: int  # the highest version number of its post


def src_name(catalog: Catalog, package_id: str) -> str | None:
    """The package's post .SRC file name (the one its name comes from)."""
    package = catalog.get_package(package_id)
    sources = [f.filename for f in catalog.list_files(package_id) if f.extension.upper() == ".SRC"]
    for name in sources:
        if name.rsplit(".", 1)[0].casefold() == package.name.casefold():
            return name
    return sources[0] if sources else None


def same_src_packages(catalog: Catalog, package_id: str) -> list[PackageRecord]:
    """Other ready packages whose .SRC has the same name (any case)."""
    name = src_name(catalog, package_id)
    if name is None:
        return []
    stmt = (
        select(PackageFileRow.package_id)
        .join(PackageRow, PackageRow.id == PackageFileRow.package_id)
        .where(
            func.upper(PackageFileRow.extension) == ".SRC",
            func.lower(PackageFileRow.filename) == name.lower(),
            PackageRow.status == PackageStatus.READY.value,
            PackageRow.id != package_id,
        )
        .distinct()
    )
    with Session(catalog.read_engine) as session, session.begin():
        ids = list(session.scalars(stmt))
    return catalog.packages_by_id(ids)


def post_members(catalog: Catalog, post_id: str) -> list[PackageRecord]:
    """The packages of one post, in version order (ties: the older first)."""
    stmt = select(PackageRow.id).where(or_(PackageRow.id == post_id, PackageRow.post_id == post_id))
    with Session(catalog.read_engine) as session, session.begin():
        ids = list(session.scalars(stmt))
    members = [p for p in catalog.packages_by_id(ids) if p.post == post_id]
    members.sort(key=lambda p: (p.version_number, p.created_at, p.id))
    return members


def best_candidate(
    catalog: Catalog,
    package_id: str,
    among: Callable[[PackageRecord], bool] | None = None,
) -> VersionCandidate | None:
    """The most similar ready package with the same .SRC name (and, with
    ``among``, one it accepts), or None. ``versions`` is the highest version
    number of that package's post."""
    same = {p.id: p for p in same_src_packages(catalog, package_id) if among is None or among(p)}
    if not same:
        return None
    best: SimilarPost | None = next(
        (s for s in rank_similar(catalog, package_id) if s.package_id in same), None
    )
    if best is None:
        return None
    candidate = same[best.package_id]
    top = max(m.version_number for m in post_members(catalog, candidate.post))
    return VersionCandidate(candidate, best.similarity, top)


def link_version(catalog: Catalog, store: ObjectStore, package_id: str, of: str) -> PackageRecord:
    """Make ``package_id`` the next version of ``of``'s post (``of`` a package id,
    or ``auto``). Returns the package as linked (unchanged when ``auto`` found
    no post similar enough). The manifest is rewritten so the team sees it."""
    package = catalog.get_package(package_id)
    if package.status is not PackageStatus.READY:
        raise VeriPostError(
            ErrorCode.PACKAGE_NOT_READY,
            f"{package.name} is not ready, so it cannot be made a version of another post.",
            f"package {package_id}: {package.status.value}",
        )
    if of == AUTO:
        candidate = best_candidate(catalog, package_id)
        if candidate is None or candidate.similarity < AUTO_MIN_SIMILARITY:
            log.info("package %s: no post similar enough; a post of its own", package_id)
            return package
        target = candidate.package
    else:
        target = catalog.get_package(of)
        if target.status is not PackageStatus.READY:
            raise VeriPostError(
                ErrorCode.PACKAGE_NOT_READY,
                f"{target.name} is not ready, so it cannot have versions yet.",
                f"package {of}: {target.status.value}",
            )
    if target.id == package_id or target.post == package.post:
        return package  # already one post
    if post_members(catalog, package.post) != [package]:
        raise VeriPostError(
            ErrorCode.ALREADY_VERSIONED,
            f"{package.name} already has versions of its own; it cannot join another post.",
            f"package {package_id} is post {package.post} with several versions",
        )
    members = post_members(catalog, target.post)
    version = max(m.version_number for m in members) + 1
    _set_link(catalog, package_id, target.post, version)
    if package.manifest_etag is not None:
        info = publish(catalog, store, package_id)
        set_manifest_etag(catalog, package_id, info.etag or "")
        announce_change(store, "published", package_id, catalog.uploaded_by or "", host_name())
    return catalog.get_package(package_id)


def _set_link(catalog: Catalog, package_id: str, post_id: str, version: int) -> None:
    with Session(catalog.write_engine) as session, session.begin():
        row = session.get(PackageRow, package_id)
        if row is not None:
            row.post_id, row.version = post_id, version


def history(catalog: Catalog, package_id: str) -> list[VersionEntry]:
    """The versions of the post ``package_id`` belongs to, oldest first."""
    package = catalog.get_package(package_id)
    members = post_members(catalog, package.post)
    entries: list[VersionEntry] = []
    previous: PackageRecord | None = None
    for member in members:
        similarity: float | None = None
        changed: int | None = None
        if previous is not None:
            match = _similarity(catalog, member.id, previous.id)
            if match is not None:
                similarity, changed = match.similarity, match.changed_sections
        entries.append(
            VersionEntry(
                package_id=member.id,
                name=member.name,
                version=member.version_number,
                uploaded_by=member.uploaded_by,
                created_at=member.created_at,
                similarity_to_previous=similarity,
                changed_sections=changed,
            )
        )
        previous = member
    return entries


def _similarity(catalog: Catalog, package_id: str, other_id: str) -> SimilarPost | None:
    try:
        ranked = rank_similar(catalog, package_id)
    except VeriPostError as exc:
        if exc.code == ErrorCode.PACKAGE_NOT_READY:
            return None  # sections not read yet (synced, being read in the background)
        raise
    return next((s for s in ranked if s.package_id == other_id), None)
