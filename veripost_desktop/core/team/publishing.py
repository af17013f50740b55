"""Publishing a package: writing its manifest, the last object of its prefix.

Called by the ingestion flow once every file is confirmed and the post is
read, and once for packages stored before manifests existed (the backfill
at a refresh), so the team sees those too.
"""

from __future__ import annotations

import getpass
import socket
from pathlib import Path

from veripost_desktop.core.catalog import Catalog
from veripost_desktop.core.storage.object_store import ObjectInfo, ObjectStore
from veripost_desktop.core.team.manifest import (
    ManifestFile,
    ManifestLibraryRef,
    ManifestPost,
    ManifestReading,
    ManifestUpload,
    ManifestWarning,
    PackageManifest,
    manifest_key,
)


def host_name() -> str:
    try:
        return socket.gethostname() or "unknown"
    except OSError:
        return "unknown"


def login_name() -> str:
    try:
        return getpass.getuser() or "unknown"
    except Exception:  # noqa: BLE001 - no login name (a service account, odd env)
        return "unknown"


def build_manifest(catalog: Catalog, package_id: str) -> PackageManifest:
    """The manifest of a package as the catalog holds it."""
    pkg = catalog.get_package(package_id)
    files = catalog.list_files(package_id)
    return PackageManifest(
        package_id=pkg.id,
        name=pkg.name,
        zip_sha256=pkg.zip_sha256,
        zip_size=_zip_size(pkg.source_path),
        files=tuple(
            ManifestFile(
                name=f.filename,
                extension=f.extension,
                size=f.size_bytes,
                sha256=f.sha256,
                object_key=f.object_key,
                sections_active=f.sections_active,
                sections_calc=f.sections_calc,
                sections_template=f.sections_template,
                sections_commented_out=f.sections_commented_out,
            )
            for f in files
        ),
        reading=ManifestReading(
            system=pkg.system,
            machine=pkg.machine,
            controller=pkg.controller,
            post_name=pkg.post_name,
            post_extension=pkg.post_extension,
            section_count=pkg.section_count,
            library_refs=tuple(
                ManifestLibraryRef(
                    from_file=r.from_file,
                    kind=r.kind,
                    raw=r.raw,
                    file_name=r.file_name,
                    line=r.line,
                    is_master=r.is_master,
                    found=r.found,
                )
                for r in catalog.list_library_refs(package_id)
            ),
            warnings=tuple(
                ManifestWarning(code=w.code, text=w.text, file=w.filename, line=w.line)
                for w in catalog.list_warnings(package_id)
            ),
        ),
        uploaded=ManifestUpload(
            user=pkg.uploaded_by or login_name(),
            host=pkg.uploaded_host or host_name(),
            at=pkg.created_at,
        ),
        post=(
            ManifestPost(post_id=pkg.post_id, version=pkg.version_number)
            if pkg.post_id is not None
            else None
        ),
    )


def publish(catalog: Catalog, store: ObjectStore, package_id: str) -> ObjectInfo:
    """Write the package's manifest; returns the stored object (with its ETag)."""
    manifest = build_manifest(catalog, package_id)
    return store.put_bytes(manifest_key(package_id), manifest.to_bytes())


def _zip_size(source_path: str) -> int:
    try:
        return Path(source_path).stat().st_size if source_path else 0
    except OSError:
        return 0
