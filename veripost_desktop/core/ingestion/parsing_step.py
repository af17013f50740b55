"""Step 3: read the posts. Every .SRC, .LIB, .PINF, .KIN and .LNG of the
package goes through the UPG parser; other files (.CTL ...) are passed by
name only, so cross-file checks (a .CTL without its .LNG, base names) see
the whole package. Findings are warnings: parsing never fails a package
for what the posts contain."""

from __future__ import annotations

import zipfile
from pathlib import Path

from veripost_desktop.core.ingestion.events import CancelCheck
from veripost_desktop.core.ingestion.validating_step import check_cancel
from veripost_desktop.core.upg import PackageAnalysis, analyse_package
from veripost_desktop.core.zip_validation import ValidationResult

PARSED_EXTENSIONS = frozenset({".SRC", ".LIB", ".PINF", ".KIN", ".LNG", ".ATR"})
# A UPG source is a few hundred KB; a text file past this is not a post
# source and would only cost memory. It is listed, not parsed.
MAX_PARSED_BYTES = 64 * 1024 * 1024


def read_parseable_files(zip_path: Path, validation: ValidationResult) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    with zipfile.ZipFile(zip_path) as zf:
        for member in validation.members:
            parse = (
                member.extension.upper() in PARSED_EXTENSIONS and member.size <= MAX_PARSED_BYTES
            )
            files[member.name] = zf.read(member.zip_name) if parse else b""
    return files


def run_parsing_step(
    zip_path: Path, validation: ValidationResult, cancel: CancelCheck | None = None
) -> PackageAnalysis:
    files = read_parseable_files(zip_path, validation)
    check_cancel(cancel)
    return analyse_package(files)
