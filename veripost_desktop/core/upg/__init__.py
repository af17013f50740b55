"""The UPG-2 post-processor parser: pure functions from bytes to result objects.

No Qt and no I/O: callers hand in the bytes of each file (from a ZIP, a
folder or a test) and get frozen dataclasses back. Nothing here raises for
bad content; problems come back as ``PackageWarning``s.
"""

from veripost_desktop.core.upg.companion_files import parse_kin, parse_lng, parse_pinf
from veripost_desktop.core.upg.highlighting import tokenize_line
from veripost_desktop.core.upg.library_refs import is_master_library, resolved_file_name
from veripost_desktop.core.upg.models import (
    AttributeBlock,
    CallRef,
    KinematicsEntry,
    KinematicsFile,
    LanguageEntry,
    LanguageFile,
    LibraryRef,
    LibraryRefKind,
    OperationBlock,
    PackageAnalysis,
    PackageFile,
    PackageWarning,
    PostInfo,
    Section,
    SectionKind,
    SourceFile,
    WarningCode,
)
from veripost_desktop.core.upg.package_analysis import analyse_package
from veripost_desktop.core.upg.source_parser import parse_source, parse_source_lines

__all__ = [
    "AttributeBlock",
    "CallRef",
    "KinematicsEntry",
    "KinematicsFile",
    "LanguageEntry",
    "LanguageFile",
    "LibraryRef",
    "LibraryRefKind",
    "OperationBlock",
    "PackageAnalysis",
    "PackageFile",
    "PackageWarning",
    "PostInfo",
    "Section",
    "SectionKind",
    "SourceFile",
    "WarningCode",
    "analyse_package",
    "is_master_library",
    "parse_kin",
    "parse_lng",
    "parse_pinf",
    "parse_source",
    "parse_source_lines",
    "resolved_file_name",
    "tokenize_line",
]
