"""Step 3: read the posts. Placeholder until the UPG parser lands: the step
exists in the flow, records the section count as unknown and says so."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from veripost_desktop.core.zip_validation import ValidationResult

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ParseOutcome:
    section_count: int | None


def run_parsing_step(zip_path: Path, validation: ValidationResult) -> ParseOutcome:
    log.info("UPG parsing is not implemented yet; section count left unknown for %s", zip_path)
    return ParseOutcome(section_count=None)
