"""The section hashes similar-post ranking reads (issue 13; migration 0007).

``Catalog.record_analysis`` writes a post's hashes (``PackageAnalysis.
section_hashes``: one per key of its .SRC and own .LIB) in its transaction,
and ``match_counts`` ranks against them without reading any source.

Why the shape: ranking compares one post with every other one, so its cost
is a scan of every hash row. The rows carry 64-bit integers (the first 8
bytes of the SHA-256 of ``file_role`` + key and of the body) and a small
integer package id, not UUIDs and hex strings: the one index then holds four
integers a row, and the scan runs in the index's order, grouping by package
with no temporary B-tree. A 64-bit collision would only mis-rank (the
comparison itself reads the sources); at 2**-64 a pair it does not happen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from veripost_desktop.core.upg.models import SectionHash

# A package id list is bound in chunks under SQLite's parameter limit.
_CHUNK = 500


def hash64(hex_digest: str) -> int:
    """The first 8 bytes of a hex digest as a signed 64-bit integer (SQLite's INTEGER)."""
    return int.from_bytes(bytes.fromhex(hex_digest[:16]), "big", signed=True)


def key_hash64(file_role: str, key: str) -> int:
    digest = hashlib.sha256(f"{file_role}\0{key}".encode("utf-8", "surrogatepass")).hexdigest()
    return hash64(digest)


def write_section_hashes(
    connection: Connection, package_id: str, hashes: Sequence[SectionHash]
) -> None:
    """Replace the package's hash rows with ``hashes`` (in the caller's transaction)."""
    delete_section_hashes(connection, [package_id])
    active_keys = sum(1 for h in hashes if h.active)
    cursor = connection.exec_driver_sql(
        "INSERT INTO section_hash_packages (package_id, active_keys) VALUES (?, ?)",
        (package_id, active_keys),
    )
    number = cursor.lastrowid
    if not hashes:
        return
    connection.exec_driver_sql(
        "INSERT INTO section_hashes "
        "(hash_package_id, file_role, key, active, key_hash, body_hash) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                number,
                h.file_role,
                h.key,
                h.active,
                key_hash64(h.file_role, h.key),
                hash64(h.body_hash),
            )
            for h in hashes
        ],
    )


def delete_section_hashes(connection: Connection, package_ids: Iterable[str]) -> None:
    ids = list(package_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        connection.exec_driver_sql(
            "DELETE FROM section_hashes WHERE hash_package_id IN "
            f"(SELECT id FROM section_hash_packages WHERE package_id IN ({marks}))",
            tuple(chunk),
        )
        connection.exec_driver_sql(
            f"DELETE FROM section_hash_packages WHERE package_id IN ({marks})", tuple(chunk)
        )


@dataclass(frozen=True, slots=True)
class Candidate:
    """Another ready package, and how its active keys meet the target's."""

    package_id: str
    name: str
    active_keys: int
    shared_keys: int  # active in both
    equal_keys: int  # active in both with equal bodies


@dataclass(frozen=True, slots=True)
class MatchCounts:
    active_keys: int  # the target's
    candidates: tuple[Candidate, ...]  # every other ready package with recorded hashes


# The target's active keys, then one pass over every active hash row in the
# index's order (so GROUP BY needs no sort), each looked up among them.
_MATCH_SQL = """
WITH target(key_hash, body_hash) AS MATERIALIZED (
    SELECT key_hash, body_hash FROM section_hashes WHERE hash_package_id = ? AND active
)
SELECT h.hash_package_id, COUNT(*), SUM(h.body_hash = target.body_hash)
FROM section_hashes AS h CROSS JOIN target ON target.key_hash = h.key_hash
WHERE h.active
GROUP BY h.hash_package_id
"""

_CANDIDATES_SQL = """
SELECT s.id, s.package_id, s.active_keys, p.name
FROM section_hash_packages AS s JOIN packages AS p ON p.id = s.package_id
WHERE p.status = 'ready'
"""


def match_counts(connection: Connection, package_id: str) -> MatchCounts | None:
    """How every other ready package's active keys meet ``package_id``'s;
    None when the package has no recorded hashes (not read at READING_VERSION 2)."""
    row = connection.exec_driver_sql(
        "SELECT id, active_keys FROM section_hash_packages WHERE package_id = ?", (package_id,)
    ).first()
    if row is None:
        return None
    number, active_keys = int(row[0]), int(row[1])
    counts = {
        int(n): (int(shared), int(equal or 0))
        for n, shared, equal in connection.exec_driver_sql(_MATCH_SQL, (number,))
    }
    candidates = []
    for n, other_id, other_keys, name in connection.exec_driver_sql(_CANDIDATES_SQL):
        if n == number:
            continue
        shared, equal = counts.get(int(n), (0, 0))
        candidates.append(Candidate(other_id, name, int(other_keys), shared, equal))
    return MatchCounts(active_keys, tuple(candidates))
