"""The "of N" of the package table's Version column, kept from the rows the
table holds: which post each package belongs to and the highest version
number of each post. Updated per record (add, remove, a fresh record), so a
link made here or seen at a refresh from storage changes exactly the rows of
the posts it touches.

A package that is a post of its own with one version shows nothing: in a
catalog of unrelated posts a column full of "v1 of 1" says nothing. Once a
post has a second version, every one of its rows says where it stands.
"""

from __future__ import annotations

from collections.abc import Iterable

from veripost_desktop.core.catalog import PackageRecord


def version_text(version: int, count: int) -> str:
    """ "v2 of 3"; "" for a post with one version."""
    return "" if count <= 1 else f"v{version} of {count}"


class PostVersions:
    """post id -> {package id: version number}, for the packages listed."""

    def __init__(self) -> None:
        self._posts: dict[str, dict[str, int]] = {}
        self._post_of: dict[str, str] = {}
        self._top: dict[str, int] = {}

    def reset(self, records: Iterable[PackageRecord]) -> None:
        self._posts.clear()
        self._post_of.clear()
        self._top.clear()
        for record in records:
            self._posts.setdefault(record.post, {})[record.id] = record.version_number
            self._post_of[record.id] = record.post
        for post, members in self._posts.items():
            self._top[post] = max(members.values())

    def count(self, post_id: str) -> int:
        """How many versions the post has: its highest version number."""
        return self._top.get(post_id, 1)

    def text(self, record: PackageRecord) -> str:
        return version_text(record.version_number, self.count(record.post))

    def sort_key(self, record: PackageRecord) -> tuple[int, int]:
        count = self.count(record.post)
        return (0, 0) if count <= 1 else (record.version_number, count)

    def is_latest(self, record: PackageRecord) -> bool:
        return record.version_number >= self.count(record.post)

    def members(self, post_id: str) -> list[str]:
        return list(self._posts.get(post_id, ()))

    def put(self, record: PackageRecord) -> set[str]:
        """Add or update ``record``; returns the other packages whose text changed."""
        touched: set[str] = set()
        old_post = self._post_of.get(record.id)
        if old_post is not None and (
            old_post != record.post or self._posts[old_post][record.id] != record.version_number
        ):
            touched |= self._drop(record.id)
        elif old_post is not None:
            return touched  # same post, same number: nothing moves
        members = self._posts.setdefault(record.post, {})
        members[record.id] = record.version_number
        self._post_of[record.id] = record.post
        touched |= self._retop(record.post)
        touched.discard(record.id)
        return touched

    def remove(self, package_id: str) -> set[str]:
        """Forget a removed package; returns the packages whose text changed."""
        if package_id not in self._post_of:
            return set()
        touched = self._drop(package_id)
        touched.discard(package_id)
        return touched

    def _drop(self, package_id: str) -> set[str]:
        post = self._post_of.pop(package_id)
        members = self._posts[post]
        del members[package_id]
        if not members:
            del self._posts[post]
            self._top.pop(post, None)
            return set()
        return self._retop(post)

    def _retop(self, post: str) -> set[str]:
        """Recount the post; every member's text changes when its count does."""
        top = max(self._posts[post].values())
        if self._top.get(post) == top:
            return set()
        self._top[post] = top
        return set(self._posts[post])
