"""veripost-cli sync and gc: the team's shared store (issue 11)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from veripost_desktop.cli.output import print_json
from veripost_desktop.core.formatting import human_size
from veripost_desktop.core.services import Services
from veripost_desktop.core.team.garbage import DEFAULT_OLDER_THAN_HOURS, collect_garbage
from veripost_desktop.core.team.refresh import RefreshReport, refresh_catalog
from veripost_desktop.core.team.source_reading import read_outdated_packages


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this module's commands; each parser sets ``run`` (and
    ``needs_services=False`` when it must run without opening the catalog)."""
    p = sub.add_parser(
        "sync",
        help="bring the catalog in line with the packages in storage (the team's record)",
    )
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--no-read",
        action="store_true",
        help="only the manifests: do not read the new packages' sources (sections, indexes)",
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="list the whole store even when its change marker says nothing changed",
    )
    p.set_defaults(run=cmd_sync)

    p = sub.add_parser(
        "gc", help="remove unfinished uploads (package folders without a manifest) from storage"
    )
    p.add_argument(
        "--older-than",
        type=float,
        default=DEFAULT_OLDER_THAN_HOURS,
        metavar="HOURS",
        help="only folders whose newest file is older than this "
        f"(default {DEFAULT_OLDER_THAN_HOURS:g})",
    )
    p.add_argument("--dry-run", action="store_true", help="list them, remove nothing")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_gc)


def sync(
    services: Services, *, read_sources: bool = True, full: bool = False
) -> tuple[RefreshReport, int]:
    """Refresh, then read the sources of packages that lack the current reading."""
    report = refresh_catalog(services.catalog, services.store, full=full)
    read = 0
    if read_sources:
        read = read_outdated_packages(services.catalog, services.store).read
    return report, read


def cmd_sync(args: argparse.Namespace, services: Services) -> int:
    report, read = sync(services, read_sources=not args.no_read, full=args.full)
    if args.json:
        print_json({**report.to_json(), "read": read})
    else:
        print(f"Refreshed from {services.store.description}: {report.summary()}.")
        if read:
            print(f"Read the sources of {read} package(s).")
        for e in report.errors:
            print(f"  could not read {e.key}: [{e.code}] {e.message}", file=sys.stderr)
        for e in report.not_published:
            print(f"  not published {e.key}: [{e.code}] {e.message}", file=sys.stderr)
    return 0 if report.ok else 1


def cmd_gc(args: argparse.Namespace, services: Services) -> int:
    if args.older_than < 0:
        print("--older-than takes hours, 0 or more.", file=sys.stderr)
        return 2
    prefixes = collect_garbage(
        services.store, older_than_hours=args.older_than, dry_run=args.dry_run
    )
    if args.json:
        print_json({"prefixes": [p.to_json() for p in prefixes]})
        return 0
    if not prefixes:
        print("No unfinished uploads.")
    for p in prefixes:
        state = "removed" if p.removed else ("kept (dry run)" if args.dry_run else "kept (recent)")
        print(f"{p.prefix}  {p.objects} file(s), {human_size(p.bytes)}  {state}")
    return 0
