"""ZIP validation for post-processor packages. Imports no Qt.

Two levels, so the GUI stays responsive:

* :func:`inspect_zip` runs at drop time on the GUI thread: it reads only the
  central directory and never raises.
* :func:`verify_zip_data` runs in the worker's *validating* step: it streams
  every accepted member, checking CRC, real sizes and limits.
* :func:`validate_zip` is both, for ``veripost-cli validate``.
* :func:`open_member_stream` gives the storing step a checked stream of one
  member.

The codes, messages and limits are listed in docs/ERROR_CODES.md.
"""

from veripost_desktop.core.zip_validation.inspection import inspect_zip
from veripost_desktop.core.zip_validation.member_stream import open_member_stream
from veripost_desktop.core.zip_validation.model import ValidationResult, ZipMember
from veripost_desktop.core.zip_validation.names import flatten_name
from veripost_desktop.core.zip_validation.verification import validate_zip, verify_zip_data

__all__ = [
    "ValidationResult",
    "ZipMember",
    "flatten_name",
    "inspect_zip",
    "open_member_stream",
    "validate_zip",
    "verify_zip_data",
]
