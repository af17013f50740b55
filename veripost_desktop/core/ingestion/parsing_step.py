"""Step 3: read the posts. Every .SRC, .LIB, .PINF, .KIN and .LNG of the
package goes through the UPG parser; other files (.CTL ...) are passed by
name only, so cross-file checks (a .CTL without its .LNG, base names) see
the whole package. Findings are warnings: parsing never fails a package
for what the posts contain.

The reading runs in a parse process (``parse_pool.py``) that opens the ZIP
itself, so neither the posts' bytes nor the parser's work pass through this
process; only the findings come back. Given an ``IndexTarget``, the parse
process also writes the package's lines into the search index
(``parse_and_index.py``), and they do not come back either.
"""

from __future__ import annotations

import logging
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from veripost_desktop.core.ingestion.events import CancelCheck
from veripost_desktop.core.ingestion.parse_and_index import IndexTarget, analyse_and_index
from veripost_desktop.core.ingestion.parse_pool import discard_pool, parse_pool
from veripost_desktop.core.ingestion.validating_step import check_cancel
from veripost_desktop.core.upg import PackageAnalysis
from veripost_desktop.core.upg.zip_package import analyse_zip, is_parsed
from veripost_desktop.core.zip_validation import ValidationResult

log = logging.getLogger(__name__)

# How often a wait for the parse process looks at the cancel flag.
CANCEL_POLL_S = 0.1


@dataclass(frozen=True)
class ParsedPackage:
    analysis: PackageAnalysis
    # Its lines are in the search index already, written by the parse
    # process for ``IndexTarget.job_id`` (``parse_and_index.py``); else
    # ``analysis.indexed_texts`` holds them for the catalog to write.
    search_indexed: bool = False


def run_parsing_step(
    zip_path: Path,
    validation: ValidationResult,
    cancel: CancelCheck | None = None,
    *,
    parse_workers: int = 0,
    index: IndexTarget | None = None,
) -> ParsedPackage:
    members = [(m.name, m.zip_name, is_parsed(m.extension, m.size)) for m in validation.members]
    check_cancel(cancel)
    pool = parse_pool(parse_workers)
    if pool is None:
        return ParsedPackage(analyse_zip(zip_path, members))
    try:
        if index is None:
            future = pool.submit(analyse_zip, str(zip_path), members)
        else:
            future = pool.submit(analyse_and_index, str(zip_path), members, index)
        while True:
            try:
                return ParsedPackage(future.result(timeout=CANCEL_POLL_S), index is not None)
            except TimeoutError:
                if cancel is not None and cancel():
                    future.cancel()  # if it has not started; else its result is dropped
                    check_cancel(cancel)
    except BrokenProcessPool as exc:  # from submit() too, once the pool knows
        # A parse process died (killed, out of memory): parse here instead.
        log.warning("the parse process failed (%s); parsing %s in-process", exc, zip_path)
        discard_pool(pool)
        return ParsedPackage(analyse_zip(zip_path, members))
    except RuntimeError as exc:
        if "shutdown" not in str(exc):
            raise  # the parser's own error, raised in the parse process
        # The pool was shut down after this step took it (settings changed,
        # or the app is exiting): parse here rather than fail the package.
        return ParsedPackage(analyse_zip(zip_path, members))
