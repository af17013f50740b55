"""The catalog's side of a refresh: what it holds of the published packages,
and packages other desktops published, written in from their manifests.

A package written here is ``ready`` with its files, library references and
warnings as its manifest states them; its sections are not known until its
sources are read from storage (``reading_version`` stays null, and the
background reading pass fills them in).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from veripost_desktop.core.catalog.catalog import Catalog, delete_package_rows
from veripost_desktop.core.catalog.models import (
    LibraryRefRow,
    PackageFileRow,
    PackageRow,
    WarningRow,
    utcnow,
)
from veripost_desktop.core.catalog.records import PackageStatus
from veripost_desktop.core.storage.object_store import package_prefix
from veripost_desktop.core.team.manifest import PackageManifest


@dataclass(frozen=True)
class CatalogEntry:
    """What a refresh needs to know of one package in the catalog."""

    status: PackageStatus
    manifest_etag: str | None


def catalog_entries(catalog: Catalog) -> dict[str, CatalogEntry]:
    table = PackageRow.__table__
    stmt = select(table.c.id, table.c.status, table.c.manifest_etag)
    with Session(catalog.read_engine) as session, session.begin():
        return {
            row.id: CatalogEntry(PackageStatus(row.status), row.manifest_etag)
            for row in session.execute(stmt)
        }


def write_manifests(catalog: Catalog, manifests: Sequence[tuple[PackageManifest, str]]) -> None:
    """Add (or replace) packages from their manifests and ETags, in one transaction.

    A package this desktop is ingesting right now is never overwritten: the
    write skips any row that is not ``ready`` (its own manifest is written,
    and recorded, by the ingestion that runs it)."""
    if not manifests:
        return
    ids = [m.package_id for m, _etag in manifests]
    with Session(catalog.write_engine) as session, session.begin():
        busy = set(
            session.scalars(
                select(PackageRow.id).where(
                    PackageRow.id.in_(ids), PackageRow.status != PackageStatus.READY.value
                )
            )
        )
        todo = [(m, etag) for m, etag in manifests if m.package_id not in busy]
        # A manifest rewritten for the same files (a version link, say) only
        # changes the package's row: its sections and indexes stay.
        same = _same_files(session, todo)
        for m, etag in todo:
            if m.package_id in same:
                session.execute(
                    update(PackageRow)
                    .where(PackageRow.id == m.package_id)
                    .values(
                        name=m.name,
                        manifest_etag=etag,
                        post_id=m.post.post_id if m.post else None,
                        version=m.post.version if m.post else None,
                        updated_at=utcnow(),
                    )
                )
        todo = [(m, etag) for m, etag in todo if m.package_id not in same]
        written = [m.package_id for m, _etag in todo]
        delete_package_rows(session, written)
        now = utcnow()
        conn = session.connection()
        package_rows: list[dict[str, Any]] = []
        file_rows: list[dict[str, Any]] = []
        ref_rows: list[dict[str, Any]] = []
        warning_rows: list[dict[str, Any]] = []
        for m, etag in todo:
            r = m.reading
            package_rows.append(
                {
                    "id": m.package_id,
                    "name": m.name,
                    "status": PackageStatus.READY.value,
                    "file_count": len(m.files),
                    "section_count": r.section_count,
                    "total_bytes": m.total_bytes,
                    "zip_sha256": m.zip_sha256,
                    # Not on this desktop: retry is for packages added here.
                    "source_path": "",
                    "storage_prefix": package_prefix(m.package_id),
                    "job_id": str(uuid.uuid4()),
                    "machine": r.machine,
                    "controller": r.controller,
                    "system": r.system,
                    "post_name": r.post_name,
                    "post_extension": r.post_extension,
                    "warning_count": len(r.warnings),
                    "uploaded_by": m.uploaded.user,
                    "uploaded_host": m.uploaded.host,
                    "manifest_etag": etag,
                    "reading_version": None,
                    "post_id": m.post.post_id if m.post else None,
                    "version": m.post.version if m.post else None,
                    "created_at": m.uploaded.at,
                    "updated_at": now,
                }
            )
            file_rows.extend(
                {
                    "package_id": m.package_id,
                    "filename": f.name,
                    "extension": f.extension,
                    "object_key": f.object_key,
                    "size_bytes": f.size,
                    "sha256": f.sha256,
                    "sections_active": f.sections_active,
                    "sections_calc": f.sections_calc,
                    "sections_template": f.sections_template,
                    "sections_commented_out": f.sections_commented_out,
                    "created_at": m.uploaded.at,
                }
                for f in m.files
            )
            ref_rows.extend(
                {
                    "package_id": m.package_id,
                    "from_file": ref.from_file,
                    "kind": ref.kind,
                    "raw": ref.raw,
                    "file_name": ref.file_name,
                    "line": ref.line,
                    "is_master": ref.is_master,
                    "found": ref.found,
                }
                for ref in r.library_refs
            )
            warning_rows.extend(
                {
                    "package_id": m.package_id,
                    "code": w.code,
                    "text": w.text,
                    "filename": w.file,
                    "line": w.line,
                }
                for w in r.warnings
            )
        # Core executemany: a first refresh writes 10,000 packages.
        for model, rows in (
            (PackageRow, package_rows),
            (PackageFileRow, file_rows),
            (LibraryRefRow, ref_rows),
            (WarningRow, warning_rows),
        ):
            if rows:
                conn.execute(insert(model), rows)
    if written:
        # A package written anew (other files) is read again from storage;
        # until then its old files' lines must not answer a search.
        catalog.delete_search_index(written)


def _same_files(session: Session, todo: Sequence[tuple[PackageManifest, str]]) -> set[str]:
    """Ids of the packages in ``todo`` the catalog holds with exactly these files."""
    ids = [m.package_id for m, _etag in todo]
    held: dict[str, set[tuple[str, str]]] = {}
    for start in range(0, len(ids), 500):
        f = PackageFileRow
        stmt = select(f.package_id, f.filename, f.sha256).where(
            f.package_id.in_(ids[start : start + 500])
        )
        for package_id, filename, sha256 in session.execute(stmt):
            held.setdefault(package_id, set()).add((filename, sha256))
    return {
        m.package_id
        for m, _etag in todo
        if m.package_id in held and held[m.package_id] == {(f.name, f.sha256) for f in m.files}
    }


def set_manifest_etag(catalog: Catalog, package_id: str, etag: str) -> None:
    with Session(catalog.write_engine) as session, session.begin():
        row = session.get(PackageRow, package_id)
        if row is not None:
            row.manifest_etag = etag
