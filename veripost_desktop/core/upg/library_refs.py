"""Library references: which file a ``:LIBRARY=`` names, and whether it is the vendor's.

Master-library rule
-------------------
A post's own library (``:LIBRARY=.\\GRBL-Post.LIB``) belongs in its package;
the vendor's master libraries are installed with UPG-2 and are normally
absent from a delivery. A reference is a **master library** when any of:

1. a folder of its path is ``MasterLibraryFiles`` (any case), wherever that
   folder sits: ``..\\..\\MasterLibraryFiles\\MILL.LIB``,
   ``C:\\CAMWorksData\\UPG-2\\MasterLibraryFiles\\LATHE.LIB``;
2. its file name is one of ``KNOWN_MASTER_LIBRARIES`` (any case), even when
   the path gives no folder (``:LIBRARY=MILL.LIB``);
3. its file name ends in ``_PROBE.LIB`` (any case): the vendor ships one
   probing library per machine type (``MILL_PROBE.LIB`` ...).

Everything else is the post's own and is expected in the package. Only the
path is looked at, never the package, so the answer is the same whether or
not the file happens to be present.
"""

from __future__ import annotations

MASTER_LIBRARY_FOLDER = "masterlibraryfiles"

KNOWN_MASTER_LIBRARIES: frozenset[str] = frozenset({"MILL.LIB", "LATHE.LIB", "MILLTURN.LIB"})

MASTER_LIBRARY_SUFFIXES: tuple[str, ...] = ("_PROBE.LIB",)

_QUOTES = "\"'"


def clean_path(raw: str) -> str:
    """The path as written, without surrounding blanks or quotes."""
    return raw.strip().strip(_QUOTES).strip()


def _components(path: str) -> list[str]:
    return path.replace("/", "\\").split("\\")


def resolved_file_name(raw: str) -> str:
    """The last component of a Windows or POSIX path: all a package can resolve."""
    return _components(clean_path(raw))[-1].strip()


def is_master_library(raw: str) -> bool:
    """True for the vendor's master libraries (see the module docstring for the rule)."""
    parts = _components(clean_path(raw))
    name = parts[-1].strip().upper()
    if not name:
        return False
    if any(p.strip().lower() == MASTER_LIBRARY_FOLDER for p in parts[:-1]):
        return True
    return name in KNOWN_MASTER_LIBRARIES or name.endswith(MASTER_LIBRARY_SUFFIXES)
