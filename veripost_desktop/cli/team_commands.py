"""veripost-cli sync and gc: the team's shared store (issue 11)."""

from __future__ import annotations

import argparse
from typing import Any


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this module's commands; each parser sets ``run`` (and
    ``needs_services=False`` when it must run without opening the catalog)."""
