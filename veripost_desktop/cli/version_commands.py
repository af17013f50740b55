"""veripost-cli history: the versions of a post (issue 13, part 4).
(``ingest --version-of`` is an option of ``ingest`` in main.py.)"""

from __future__ import annotations

import argparse
from typing import Any

from veripost_desktop.cli.output import print_json
from veripost_desktop.core.services import Services
from veripost_desktop.core.versions import history


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this module's commands; each parser sets ``run``."""
    p = sub.add_parser("history", help="the versions of the post a package belongs to")
    p.add_argument("package_id", metavar="PACKAGE_ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_history)


def cmd_history(args: argparse.Namespace, services: Services) -> int:
    entries = history(services.catalog, args.package_id)
    if args.json:
        print_json([e.to_json() for e in entries])
        return 0
    for e in entries:
        against = ""
        if e.similarity_to_previous is not None:
            against = (
                f"  {e.similarity_to_previous:.0%} like v{e.version - 1}, "
                f"{e.changed_sections} section(s) changed"
            )
        print(
            f"v{e.version:<3} {e.package_id}  {e.name:28} {e.uploaded_by or '?':12} "
            f"{e.created_at.astimezone():%Y-%m-%d %H:%M}{against}"
        )
    return 0
