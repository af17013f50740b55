"""Similar posts: every other ready package ranked by similarity to one post.

Similarity is the rule of the comparison (``PackageComparison.similarity``):
the active section keys (.SRC and own .LIB) with equal bodies in both,
divided by the active keys in either. Ranking reads only the section hashes
stored when each package was read (``core/catalog/section_hashes.py``), never
a source; packages stored before those hashes existed join the ranking once
the background pass has read them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from veripost_desktop.core.catalog import Catalog, PackageStatus
from veripost_desktop.core.errors import ErrorCode, VeriPostError


@dataclass(frozen=True)
class SimilarPost:
    package_id: str
    name: str
    similarity: float  # 0.0 - 1.0
    unchanged_sections: int  # active keys with equal bodies in both
    changed_sections: int  # the other active keys of either post

    def to_json(self) -> dict[str, Any]:
        return {
            "package_id": self.package_id,
            "name": self.name,
            "similarity": self.similarity,
            "unchanged_sections": self.unchanged_sections,
            "changed_sections": self.changed_sections,
        }


def rank_similar(catalog: Catalog, package_id: str, limit: int | None = None) -> list[SimilarPost]:
    """Every other ready package, most similar first (ties: more equal
    sections first, then by name); at most ``limit`` of them."""
    package = catalog.get_package(package_id)  # package_not_found
    if package.status is not PackageStatus.READY:
        raise VeriPostError(
            ErrorCode.PACKAGE_NOT_READY,
            f"The package {package.name} is not ready (it is {package.status.value}), "
            "so it cannot be compared.",
            f"package {package_id}: status {package.status.value}",
        )
    counts = catalog.section_match_counts(package_id)
    if counts is None:
        raise VeriPostError(
            ErrorCode.PACKAGE_NOT_READY,
            f"The sections of {package.name} are still being read; try again in a moment.",
            f"package {package_id}: no section hashes recorded yet (reading_version "
            f"{package.reading_version})",
        )
    posts = []
    for c in counts.candidates:
        keys = counts.active_keys + c.active_keys - c.shared_keys
        posts.append(
            SimilarPost(
                package_id=c.package_id,
                name=c.name,
                similarity=c.equal_keys / keys if keys else 1.0,
                unchanged_sections=c.equal_keys,
                changed_sections=keys - c.equal_keys,
            )
        )
    posts.sort(key=lambda p: (-p.similarity, -p.unchanged_sections, p.name, p.package_id))
    return posts if limit is None else posts[: max(0, limit)]
