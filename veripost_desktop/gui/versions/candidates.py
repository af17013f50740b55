"""Which of a drop's new packages look like a new version of a post already
listed: the worker's half of the question the window asks (no Qt here).

Run on a worker once the packages are ready (their section hashes exist):
it ranks every ready package by similarity (``rank_similar``), a scan of the
catalog's section hashes the GUI thread must not do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from veripost_desktop.core.catalog import Catalog, PackageRecord, PackageStatus
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.core.versions import best_candidate, post_members, same_src_packages


@dataclass(frozen=True)
class VersionMatch:
    """A new package and the listed version it most likely continues."""

    package: PackageRecord
    candidate: PackageRecord
    similarity: float  # 0.0 - 1.0
    versions: int  # the highest version number of the candidate's post


def find_version_matches(catalog: Catalog, package_ids: Iterable[str]) -> list[VersionMatch]:
    """The packages among ``package_ids`` worth the question, oldest first."""
    matches = []
    for package_id in package_ids:
        package = catalog.find_package(package_id)
        if package is None or package.status is not PackageStatus.READY:
            continue
        match = version_match(catalog, package)
        if match is not None:
            matches.append(match)
    matches.sort(key=lambda m: (m.package.created_at, m.package.id))
    return matches


def version_match(catalog: Catalog, package: PackageRecord) -> VersionMatch | None:
    """The most similar earlier ready package whose ``.SRC`` has the same name.

    ``core.versions.best_candidate``, with two differences for a drop: only
    packages added before this one are candidates (two versions dropped
    together make the later one version 2, never the other way round), and a
    package that is a byte-for-byte copy of one of them was added again on
    purpose (the duplicate question was answered): no question then. A
    package already linked, or with versions of its own, is left as it is.
    """
    if package.post_id is not None or len(post_members(catalog, package.post)) > 1:
        return None
    same = same_src_packages(catalog, package.id)
    if package.zip_sha256 and any(p.zip_sha256 == package.zip_sha256 for p in same):
        return None
    order = (package.created_at, package.id)
    try:
        found = best_candidate(catalog, package.id, among=lambda p: (p.created_at, p.id) < order)
    except VeriPostError as exc:
        if exc.code == ErrorCode.PACKAGE_NOT_READY:
            return None  # its sections are not read yet: nothing to weigh it by
        raise
    if found is None:
        return None
    return VersionMatch(package, found.package, found.similarity, found.versions)
