"""veripost-cli search: every stored line of every post (issue 14)."""

from __future__ import annotations

import argparse
from typing import Any

from veripost_desktop.cli.output import print_json
from veripost_desktop.core.search.search_query import (
    DEFAULT_LIMIT,
    SearchRequest,
    search,
    searched_extensions,
)
from veripost_desktop.core.services import Services


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this module's commands; each parser sets ``run`` (and
    ``needs_services=False`` when it must run without opening the catalog)."""
    p = sub.add_parser(
        "search",
        help="find a text in every stored post (case-insensitive, literal unless --regex)",
        description="Search the text files of every ready package (.SRC .LIB .LNG .ATR .KIN "
        ".PINF and the extra text types of the settings; never .CTL) for TEXT, ignoring case. "
        "TEXT is literal: quotes, <, >, :, * and ! are plain characters.",
    )
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"at most N hits (default {DEFAULT_LIMIT:,}); total_hits still counts them all",
    )
    p.add_argument(
        "--regex", action="store_true", help="TEXT is a Python regular expression (any case)"
    )
    p.add_argument("--package", metavar="ID", help="only this package")
    p.add_argument("--machine", metavar="M", help="only packages whose machine contains M")
    p.add_argument("--controller", metavar="C", help="only packages whose controller contains C")
    p.add_argument("--system", metavar="S", help="only packages of this system (MILL, LATHE...)")
    p.add_argument(
        "--type",
        dest="file_type",
        metavar="TYPE",
        help="only files of this type: SRC, LIB, LNG, ATR, KIN, PINF (or an extra type)",
    )
    p.set_defaults(run=cmd_search)


def cmd_search(args: argparse.Namespace, services: Services) -> int:
    request = SearchRequest(
        text=args.text,
        regex=args.regex,
        limit=args.limit,
        package_id=args.package,
        machine=args.machine,
        controller=args.controller,
        system=args.system,
        file_type=args.file_type,
        extensions=searched_extensions(services.settings.extra_extensions),
    )
    result = search(services.catalog.read_engine, request)
    if args.json:
        print_json(result.to_dict())
        return 0
    current: tuple[str, str] | None = None
    for hit in result.hits:
        if (hit.package_id, hit.file) != current:
            current = (hit.package_id, hit.file)
            print(f"{hit.package_name} ({hit.package_id}) {hit.file}")
        section = f" [{hit.section}{' commented out' if hit.commented_out else ''}]"
        print(f"  {hit.line:>6}{section if hit.section else ''}: {hit.text}")
    if result.truncated:
        print(f"{result.total_hits:,} hit(s); the first {len(result.hits):,} shown (--limit)")
    else:
        print(f"{result.total_hits:,} hit(s) in {len(result.package_counts()):,} package(s)")
    return 0
