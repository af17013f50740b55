"""Ingestion: a package ZIP goes pending -> validating -> storing -> parsing -> ready | error.

Read in this order: ``pipeline.py`` (the flow), then one module per step
(``validating_step.py``, ``storing_step.py``, ``parsing_step.py``).
"""

from veripost_desktop.core.ingestion.events import IngestEvent, IngestOutcome
from veripost_desktop.core.ingestion.pipeline import IngestionPipeline

__all__ = ["IngestEvent", "IngestOutcome", "IngestionPipeline"]
