"""veripost-cli diff, similar and history: posts compared section by section (issue 13)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from veripost_desktop.cli.output import print_json
from veripost_desktop.core.compare import compare, rank_similar
from veripost_desktop.core.compare.html_report import save_html_report
from veripost_desktop.core.compare.model import ChangeKind, PackageComparison
from veripost_desktop.core.services import Services


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this module's commands; each parser sets ``run`` (and
    ``needs_services=False`` when it must run without opening the catalog)."""
    p = sub.add_parser(
        "diff",
        help="compare two posts section by section",
        description="Compare post A with post B, section by section. A and B are package ids "
        "or paths to package ZIPs (a ZIP is checked as ingestion checks it and read, never "
        "stored). Exit 0 whenever the comparison ran, whatever it found.",
    )
    p.add_argument("a", metavar="A", help="package id or ZIP path")
    p.add_argument("b", metavar="B", help="package id or ZIP path")
    p.add_argument("--json", action="store_true")
    p.add_argument("--html", metavar="FILE", help="also write the comparison as an HTML report")
    p.set_defaults(run=cmd_diff)

    p = sub.add_parser(
        "similar",
        help="rank every other ready package by similarity to one",
        description="Rank every other ready package by similarity to package ID: the active "
        "sections (.SRC and own .LIB) equal in both, divided by those in either.",
    )
    p.add_argument("package_id", metavar="ID")
    p.add_argument("--limit", type=int, metavar="N", help="at most N packages")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_similar)


def summary_line(c: PackageComparison) -> str:
    counts = c.counts()
    kinds = [
        f"{n} {kind.value.replace('_', ' ')}" for kind in ChangeKind if (n := counts[kind.value])
    ]
    return f"{c.a.name} -> {c.b.name}: similarity {c.similarity:.0%}, " + ", ".join(
        [f"{c.unchanged_sections} unchanged", *kinds]
    )


def cmd_diff(args: argparse.Namespace, services: Services) -> int:
    comparison = compare(services.catalog, services.store, args.a, args.b, services.settings)
    if args.html:
        save_html_report(comparison, Path(args.html))
    if args.json:
        print_json(comparison.to_json())
        return 0
    print(summary_line(comparison))
    if comparison.patterns:
        print("Patterns:")
        for number, p in enumerate(comparison.patterns, start=1):
            print(f"  [{number}] {p.description} in {p.count} sections")
    if comparison.sections:
        print("Sections:")
        width = max(len(s.name) for s in comparison.sections)
        for s in comparison.sections:
            lines = f"+{s.lines_added} -{s.lines_removed}"
            where = " ".join(
                x
                for x in (f"A:{s.a_line}" if s.a_line else "", f"B:{s.b_line}" if s.b_line else "")
                if x
            )
            only = (
                " only " + ", ".join(f"[{i + 1}]" for i in s.explained_by) if s.explained_by else ""
            )
            print(
                f"  {s.file.value:3} {s.name:{width}} {s.change.value:13} {lines:>9} {where}{only}"
            )
    for d in comparison.descriptor:
        print(f"DESCRIPTOR {d.attribute}: {d.a!r} -> {d.b!r}")
    if args.html:
        print(f"Report saved to {args.html}")
    return 0


def cmd_similar(args: argparse.Namespace, services: Services) -> int:
    posts = rank_similar(services.catalog, args.package_id, args.limit)
    if args.json:
        print_json([p.to_json() for p in posts])
        return 0
    if not posts:
        print("No other ready package to compare with.")
    for p in posts:
        print(
            f"{p.similarity:6.1%}  {p.name:30} {p.package_id}  "
            f"{p.unchanged_sections} unchanged, {p.changed_sections} differ"
        )
    return 0
