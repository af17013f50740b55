"""Every refusal in one place: code, plain-English message, technical detail.

Keeping the wording here lets docs/ERROR_CODES.md be checked against one file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from veripost_desktop.core.errors import ErrorCode, UserError, VeriPostError

# A refusal may name thousands of files; the details pane must stay readable.
MAX_LISTED = 200

NOT_A_ZIP_MESSAGE = "Please upload a .zip file containing your post processor package."
CORRUPT_MESSAGE = (
    "This ZIP file is damaged and cannot be read. Please create the ZIP again and upload it."
)

COMPRESSION_NAMES = {
    0: "stored",
    1: "shrunk",
    2: "reduced (factor 1)",
    3: "reduced (factor 2)",
    4: "reduced (factor 3)",
    5: "reduced (factor 4)",
    6: "PKWARE implode",
    8: "deflate",
    9: "Deflate64",
    10: "PKWARE DCL implode",
    12: "bzip2",
    14: "LZMA",
    16: "IBM z/OS CMPSC",
    18: "IBM TERSE",
    19: "IBM LZ77 z",
    20: "Zstandard (old id)",
    93: "Zstandard",
    94: "MP3",
    95: "XZ",
    96: "JPEG",
    97: "WavPack",
    98: "PPMd",
    99: "AES encryption",
}


def fail(error: UserError) -> VeriPostError:
    """The exception form, for the steps that raise instead of returning."""
    return VeriPostError(error.code, error.message, error.detail)


def listing(lines: Iterable[str]) -> str:
    items = list(lines)
    shown = [f"  {line}" for line in items[:MAX_LISTED]]
    if len(items) > MAX_LISTED:
        shown.append(f"  ... and {len(items) - MAX_LISTED} more")
    return "\n".join(shown)


def file_not_found(path: Path, reason: str) -> UserError:
    return UserError(
        ErrorCode.FILE_NOT_FOUND,
        "The file could not be opened. It may have been moved, deleted or locked.",
        f"{path}: {reason}",
    )


def not_a_zip(path: Path, reason: str) -> UserError:
    return UserError(ErrorCode.NOT_A_ZIP, NOT_A_ZIP_MESSAGE, f"{path}: {reason}")


FOLDER_MESSAGE = (
    "{name} is a folder. VeriPost expects the package as a ZIP file: zip the folder first "
    "(right-click > Send to > Compressed (zipped) folder on Windows)."
)


def folder_not_zip(path: Path) -> UserError:
    """A folder where a ZIP was expected: same code, a message that says what to do."""
    return UserError(
        ErrorCode.NOT_A_ZIP,
        FOLDER_MESSAGE.format(name=path.name or str(path)),
        f"{path}: this is a folder, not a .zip file",
    )


def corrupt(path: Path, reason: str) -> UserError:
    return UserError(ErrorCode.CORRUPT_ZIP, CORRUPT_MESSAGE, f"{path}: {reason}")


def split_archive(path: Path, reason: str) -> UserError:
    return UserError(
        ErrorCode.SPLIT_ARCHIVE,
        "This ZIP is one part of a split (multi-part) archive. Please join the parts "
        "into a single .zip file and upload that.",
        f"{path}: {reason}",
    )


def empty_zip(skipped: Sequence[str]) -> UserError:
    detail = "The ZIP holds no files."
    if skipped:
        detail = (
            f"Nothing is left after skipping {len(skipped)} folder and system entries:\n"
            + listing(skipped)
        )
    return UserError(
        ErrorCode.EMPTY_ZIP, "This ZIP file is empty: it contains no files to catalog.", detail
    )


def encrypted(paths: Sequence[str]) -> UserError:
    return UserError(
        ErrorCode.ENCRYPTED_ZIP,
        "This ZIP file is password-protected. Please upload a ZIP without a password.",
        "Encrypted files:\n" + listing(paths),
    )


def symlinks(paths: Sequence[str]) -> UserError:
    return UserError(
        ErrorCode.SYMLINK_MEMBER,
        "This ZIP contains a symbolic link instead of a file. Please put the real "
        "files in the ZIP and upload it again.",
        "Symbolic links:\n" + listing(paths),
    )


def compression_label(method: int) -> str:
    return f"method {method} ({COMPRESSION_NAMES.get(method, 'unknown')})"


def unsupported_compression(lines: Sequence[str]) -> UserError:
    return UserError(
        ErrorCode.UNSUPPORTED_COMPRESSION,
        "This ZIP uses a compression method VeriPost cannot read. Please create the ZIP "
        "again with standard compression (Windows 'Send to > Compressed folder' works).",
        "Supported: stored, deflate, bzip2, LZMA. Not supported:\n" + listing(lines),
    )


def too_large(message: str, detail: str, setting: str) -> UserError:
    return UserError(
        ErrorCode.TOO_LARGE,
        message,
        f"{detail}\nThe limit is set by VERIPOST_LIMITS__{setting.upper()} "
        "(see docs/ERROR_CODES.md).",
    )


def invalid_names(lines: Sequence[str]) -> UserError:
    return UserError(
        ErrorCode.INVALID_FILENAME,
        "This ZIP contains a file whose name cannot be used. Please rename it and "
        "create the ZIP again.",
        "Unusable file names:\n" + listing(lines),
    )


def nested_zip(paths: Sequence[str]) -> UserError:
    return UserError(
        ErrorCode.NESTED_ZIP,
        "This upload has a ZIP inside a ZIP. Please upload the inner ZIP on its own, or "
        "put its files directly in one ZIP.",
        "ZIP files inside the ZIP:\n" + listing(paths),
    )


def unrecognized_extensions(lines: Sequence[str], accepted: Sequence[str]) -> UserError:
    return UserError(
        ErrorCode.UNRECOGNIZED_EXTENSION,
        "This ZIP contains files that are not part of a post processor package. "
        f"Accepted file types: {', '.join(accepted)}.",
        "Files with other types:\n" + listing(lines),
    )


def duplicates(lines: Sequence[str]) -> UserError:
    return UserError(
        ErrorCode.DUPLICATE_FILENAME,
        "Two files in this ZIP have the same name. Folders are ignored and case does "
        "not count, so please keep only one of them.",
        "Same name after removing folders:\n" + listing(lines),
    )


def missing_src(found: Sequence[str]) -> UserError:
    return UserError(
        ErrorCode.MISSING_SRC,
        "This ZIP has no .SRC file. A post processor package needs its .SRC source file.",
        "Files found:\n" + listing(found),
    )


def empty_src(paths: Sequence[str]) -> UserError:
    return UserError(
        ErrorCode.EMPTY_SRC,
        "The .SRC file in this ZIP is empty (0 bytes). Please add the post's source and "
        "upload it again.",
        "Empty .SRC files:\n" + listing(paths),
    )


def cancelled() -> UserError:
    return UserError(
        ErrorCode.CANCELLED, "Validation was cancelled.", "cancelled while reading the ZIP"
    )


def more_data_than_header(detail: str) -> UserError:
    return UserError(
        ErrorCode.TOO_LARGE,
        "A file in this ZIP holds more data than the ZIP's directory says. VeriPost "
        "refuses such archives because they can fill the disk.",
        detail,
    )


def changed_since_checked(detail: str) -> UserError:
    return UserError(
        ErrorCode.CORRUPT_ZIP,
        "The ZIP file changed after it was checked. Please upload it again.",
        detail,
    )


def corrupt_member(label: str, reason: str) -> UserError:
    return UserError(ErrorCode.CORRUPT_ZIP, CORRUPT_MESSAGE, f"{label}: {reason}")
