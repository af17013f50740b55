"""File names inside a package ZIP: flattening, OS junk, and names Windows
cannot use.

Packages are catalogued flat (one folder per package), so only the last path
component of a member matters. CAMWorks runs on Windows, so a name must be one
that Windows can create: that is why the rules below are Windows' rules even
when VeriPost itself runs elsewhere.
"""

from __future__ import annotations

import re
import unicodedata

# Windows tools write "\" as a separator even though the ZIP spec says "/".
_SEPARATORS = re.compile(r"[/\\]")
_DRIVE = re.compile(r"^[A-Za-z]:")

# Folders and files operating systems add by themselves; never part of a post.
_JUNK_FOLDERS = frozenset({"__macosx"})
_JUNK_FILES = frozenset({".ds_store", "thumbs.db", "desktop.ini"})

_RESERVED_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)
# Unicode category Cc is exactly these two ranges; a regex keeps 10,000 names fast.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
MAX_NAME_BYTES = 255


def path_components(path_in_zip: str) -> list[str]:
    return _SEPARATORS.split(path_in_zip)


def flatten_name(path_in_zip: str) -> str:
    """The file name a member is catalogued under: its last path component.

    ``"a/b\\\\c.SRC"`` -> ``"c.SRC"``; ``"C:\\\\x\\\\y.LIB"`` -> ``"y.LIB"``;
    ``"/abs/z.KIN"`` -> ``"z.KIN"``; ``"../x.CTL"`` -> ``"x.CTL"``. A path that
    ends in a separator, ``.`` or ``..`` flattens to ``""``, ``"."`` or
    ``".."``, which :func:`filename_problem` then refuses.
    """
    last = path_components(path_in_zip)[-1]
    # "C:y.LIB" is drive-relative: the drive is not part of the name.
    if _DRIVE.match(last):
        last = last[2:]
    return last


def extension_of(name: str) -> str:
    """Upper-case extension with its dot; ``""`` for none (".SRC" alone has none)."""
    dot = name.rfind(".")
    return name[dot:].upper() if dot > 0 else ""


def is_junk(path_in_zip: str) -> bool:
    """Finder, Explorer and AppleDouble metadata, skipped without a word."""
    parts = path_components(path_in_zip)
    if any(p.lower() in _JUNK_FOLDERS for p in parts[:-1]):
        return True
    last = flatten_name(path_in_zip)
    # "._NAME" files are macOS resource forks written beside the real file.
    return last.lower() in _JUNK_FILES or last.startswith("._")


def duplicate_key(name: str) -> str:
    """Windows compares names without case; macOS may store them decomposed."""
    return unicodedata.normalize("NFC", name).lower()


def filename_problem(name: str) -> str | None:
    """Why a flattened name cannot be stored, or ``None`` when it is fine."""
    if not name:
        return "the name is empty (the path ends in a separator)"
    if name in {".", ".."}:
        return f"{name!r} is not a file name"
    if _CONTROL.search(name):
        return "the name contains control characters"
    if len(name.encode("utf-8", errors="surrogatepass")) > MAX_NAME_BYTES:
        return f"the name is longer than {MAX_NAME_BYTES} bytes"
    if name.endswith((".", " ")):
        return "the name ends with a dot or a space, which Windows removes"
    forbidden = sorted(set(_WINDOWS_FORBIDDEN.findall(name)))
    if forbidden:
        return "the name contains characters Windows does not allow: " + " ".join(forbidden)
    if name.startswith(".") and name.count(".") == 1:
        return "the name is only an extension"
    # "CON.SRC" and "nul.tar.gz" open the device, not a file, on Windows.
    base = name.split(".", 1)[0].rstrip(" ").upper()
    if base in _RESERVED_DEVICE_NAMES:
        return f"{base} is a reserved device name on Windows"
    return None


def show(path: str) -> str:
    """A path as it can be read in a detail pane: escaped if it holds
    invisible characters, as is otherwise."""
    return path if path.isprintable() else repr(path)
