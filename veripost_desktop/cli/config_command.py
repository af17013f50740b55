"""veripost-cli config: the effective settings and where each came from (issue 11).

Runs without opening the catalog or the store, so it answers when storage is
unreachable or the catalog is damaged: it is where to look first.
"""

from __future__ import annotations

import argparse
from typing import Any

from veripost_desktop.cli.output import print_json
from veripost_desktop.core.config import Settings
from veripost_desktop.core.settings_file import settings_report


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    """Add this module's commands; each parser sets ``run`` (and
    ``needs_services=False`` when it must run without opening the catalog)."""
    p = sub.add_parser(
        "config",
        help="print every effective setting, its value and where it came from "
        "(environment, settings file or default)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_config, needs_services=False)


def cmd_config(args: argparse.Namespace, settings: Settings) -> int:
    report = settings_report(settings)
    if args.json:
        print_json(report)
        return 0
    exists = "" if report["config_file_exists"] else "  (not created yet)"
    print(f"Settings file: {report['config_file']}{exists}")
    print()
    rows = [
        (key, _shown(entry["value"]), entry["source"]) for key, entry in report["settings"].items()
    ]
    key_width = max(len("setting"), *(len(r[0]) for r in rows))
    value_width = max(len("value"), *(len(r[1]) for r in rows))
    print(f"{'setting':{key_width}}  {'value':{value_width}}  source")
    print(f"{'-' * key_width}  {'-' * value_width}  ------")
    for key, value, source in rows:
        print(f"{key:{key_width}}  {value:{value_width}}  {source}")
    for note in report["notes"]:
        print()
        print(f"note: {note}")
    return 0


def _shown(value: object) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "(none)"
    return str(value)
