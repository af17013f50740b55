"""The CLI's ``--json`` shapes. They are a contract (see README): add keys,
never rename or remove one."""

from __future__ import annotations

import json
import sys
from typing import Any

from veripost_desktop.core.catalog import Catalog, FileRecord, PackageRecord
from veripost_desktop.core.ingestion import IngestOutcome
from veripost_desktop.core.zip_validation import ValidationResult


def print_json(data: Any) -> None:
    """What every ``--json`` prints: ``data`` indented, then a newline."""
    json.dump(data, sys.stdout, indent=2)
    sys.stdout.write("\n")


def validation_json(result: ValidationResult) -> dict[str, Any]:
    error = result.error
    return {
        "path": str(result.path),
        "ok": error is None,
        "code": error.code if error else None,
        "message": error.message if error else None,
        "detail": error.detail if error else None,
        "files": [
            {"name": m.name, "path_in_zip": m.path_in_zip, "size": m.size} for m in result.members
        ],
    }


def outcome_json(outcome: IngestOutcome) -> dict[str, Any]:
    package = outcome.package or outcome.duplicate_of
    error = outcome.error
    if outcome.duplicate_of is not None:
        status = "duplicate"
    else:
        status = outcome.package.status.value if outcome.package else "refused"
    return {
        "path": str(outcome.path),
        "package_id": package.id if package else None,
        "job_id": package.job_id if package else None,
        "status": status,
        "post_id": package.post if package else None,
        "version": package.version_number if package else None,
        "code": error.code if error else None,
        "message": error.message if error else None,
        "detail": error.detail if error else None,
    }


def package_json(p: PackageRecord) -> dict[str, Any]:
    return {
        "package_id": p.id,
        "name": p.name,
        "status": p.status.value,
        "file_count": p.file_count,
        "section_count": p.section_count,
        "total_bytes": p.total_bytes,
        "zip_sha256": p.zip_sha256,
        "source_path": p.source_path,
        "storage_prefix": p.storage_prefix,
        "job_id": p.job_id,
        "code": p.error_code,
        "message": p.error_message,
        "detail": p.error_detail,
        "created_at": p.created_at.isoformat(),
        "updated_at": p.updated_at.isoformat(),
        "uploaded_by": p.uploaded_by,
        "uploaded_host": p.uploaded_host,
        "post_id": p.post,
        "version": p.version_number,
    }


def file_json(f: FileRecord) -> dict[str, Any]:
    return {
        "name": f.filename,
        "extension": f.extension,
        "size": f.size_bytes,
        "sha256": f.sha256,
        "object_key": f.object_key,
    }


def show_json(catalog: Catalog, package_id: str) -> dict[str, Any]:
    """What the parser read of one package (``veripost-cli show``)."""
    p = catalog.get_package(package_id)
    files = catalog.list_files(package_id)
    return {
        "package_id": p.id,
        "name": p.name,
        "status": p.status.value,
        "parsed": p.warning_count is not None,
        "section_count": p.section_count,
        "machine": p.machine,
        "controller": p.controller,
        "system": p.system,
        "post_name": p.post_name,
        "post_extension": p.post_extension,
        "files": [
            {
                "name": f.filename,
                "extension": f.extension,
                "size": f.size_bytes,
                "sections": None
                if f.sections_active is None
                else {
                    "active": f.sections_active,
                    "calc": f.sections_calc,
                    "template": f.sections_template,
                    "commented_out": f.sections_commented_out,
                },
            }
            for f in files
        ],
        "library_refs": [
            {
                "from_file": r.from_file,
                "kind": r.kind,
                "raw": r.raw,
                "file_name": r.file_name,
                "line": r.line,
                "is_master": r.is_master,
                "found": r.found,
            }
            for r in catalog.list_library_refs(package_id)
        ],
        "warnings": [
            {"code": w.code, "text": w.text, "file": w.filename, "line": w.line}
            for w in catalog.list_warnings(package_id)
        ],
    }
