"""``veripost-cli``: validate, ingest, list, files, download.

Exit codes: 0 success; 1 a ZIP was refused, an ingestion ended in error or a
command failed; 2 the command line itself was wrong (argparse).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from veripost_desktop import __version__
from veripost_desktop.cli import (
    compare_commands,
    config_command,
    search_command,
    team_commands,
    version_commands,
)
from veripost_desktop.cli.output import (
    file_json,
    outcome_json,
    package_json,
    print_json,
    show_json,
    validation_json,
)
from veripost_desktop.core.catalog import PackageStatus
from veripost_desktop.core.config import Settings, load_settings
from veripost_desktop.core.errors import UserError, VeriPostError, as_user_error
from veripost_desktop.core.formatting import human_size
from veripost_desktop.core.ingestion import IngestOutcome
from veripost_desktop.core.logging_setup import RedactSecrets, configure_logging
from veripost_desktop.core.services import Services, open_services
from veripost_desktop.core.versions import AUTO
from veripost_desktop.core.zip_validation import validate_zip

COMMAND_MODULES = (
    config_command,
    team_commands,
    compare_commands,
    version_commands,
    search_command,
)


def _print_error(error: UserError, prefix: str = "") -> None:
    print(f"{prefix}error [{error.code}]: {error.message}", file=sys.stderr)
    if error.detail:
        print(f"  detail: {error.detail}", file=sys.stderr)


# ---- commands ---------------------------------------------------------------


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    results = [
        validate_zip(
            Path(p), accepted_extensions=settings.accepted_extensions, limits=settings.limits
        )
        for p in args.zips
    ]
    if args.json:
        print_json([validation_json(r) for r in results])
    else:
        for r in results:
            if r.error is None:
                print(f"OK       {r.path}  ({len(r.members)} files)")
            else:
                print(f"REFUSED  {r.path}  [{r.error.code}] {r.error.message}")
                if r.error.detail:
                    print(f"         {r.error.detail}".replace("\n", "\n         "))
    return 0 if all(r.ok for r in results) else 1


def cmd_ingest(args: argparse.Namespace, services: Services) -> int:
    paths = [Path(p) for p in args.zips]
    workers = max(1, min(services.settings.ingest_workers, len(paths)))
    add_duplicates = args.on_duplicate == "add"

    def ingest_one(path: Path) -> IngestOutcome:
        return services.pipeline.ingest(path, add_duplicates=add_duplicates)

    if args.version_of not in (None, AUTO):
        services.catalog.get_package(args.version_of)  # unknown: say so before storing anything
    with ThreadPoolExecutor(max_workers=workers) as pool:
        # map() keeps the order of the arguments whatever order they finish in.
        outcomes = list(pool.map(ingest_one, paths))
    if args.version_of is not None:
        # In the arguments' order, so several ZIPs of one post number in that order.
        outcomes = [_linked(services, o, args.version_of) for o in outcomes]
    if args.json:
        print_json([outcome_json(o) for o in outcomes])
    else:
        for o in outcomes:
            row = outcome_json(o)
            print(f"{row['status'].upper():8} {o.path}")
            if o.duplicate_of is not None:
                print(f"         already in the catalog as package {row['package_id']}")
            elif o.package is not None:
                print(f"         package_id {row['package_id']}  job_id {row['job_id']}")
                if o.package.post_id is not None:
                    print(f"         version {o.package.version} of post {o.package.post_id}")
            if o.error is not None:
                print(f"         [{o.error.code}] {o.error.message}")
                if o.error.detail:
                    print(f"         {o.error.detail}".replace("\n", "\n         "))
    return 0 if all(o.ok for o in outcomes) else 1


def _linked(services: Services, outcome: IngestOutcome, of: str) -> IngestOutcome:
    """The outcome with its package linked as a version (``--version-of``)."""
    from dataclasses import replace

    from veripost_desktop.core.versions import link_version

    if outcome.package is None or not outcome.ok:
        return outcome
    try:
        linked = link_version(services.catalog, services.store, outcome.package.id, of)
    except VeriPostError as exc:
        return replace(outcome, error=exc.error)
    return replace(outcome, package=linked)


def cmd_list(args: argparse.Namespace, services: Services) -> int:
    packages = services.catalog.list_packages()
    if args.json:
        print_json([package_json(p) for p in packages])
        return 0
    if not packages:
        print("The catalog is empty.")
    for p in packages:
        sections = "?" if p.section_count is None else str(p.section_count)
        print(
            f"{p.id}  {p.status.value:10} {p.name:30} {p.file_count:3} files  "
            f"{human_size(p.total_bytes):>9}  sections {sections}"
        )
    return 0


def cmd_files(args: argparse.Namespace, services: Services) -> int:
    services.catalog.get_package(args.package_id)  # friendly error if unknown
    files = services.catalog.list_files(args.package_id)
    if args.json:
        print_json([file_json(f) for f in files])
        return 0
    for f in files:
        print(f"{f.filename:40} {human_size(f.size_bytes):>9}  {f.sha256}  {f.object_key}")
    return 0


def cmd_retry(args: argparse.Namespace, services: Services) -> int:
    from veripost_desktop.core.ingestion.reingest import prepare_retry

    catalog = services.catalog
    if args.all_failed:
        ids = [p.id for p in catalog.list_packages(statuses=[PackageStatus.ERROR])]
    else:
        ids = list(args.package_ids)
    if not ids:
        if not args.all_failed:
            print("Name a package or use --all-failed.", file=sys.stderr)
            return 2
        if args.json:
            print_json([])
        else:
            print("Nothing to retry.")
        return 0
    rows = []
    for package_id in ids:
        try:
            package, validation = prepare_retry(services.pipeline, package_id)
            final = services.pipeline.run(package, validation)
            rows.append(package_json(final))
        except VeriPostError as exc:
            row = {"package_id": package_id, "status": "error", **exc.error.to_dict()}
            rows.append(row)
    if args.json:
        print_json(rows)
    else:
        for row in rows:
            print(f"{row['status'].upper():8} {row['package_id']}")
            if row.get("code"):
                print(f"         [{row['code']}] {row['message']}")
    return 0 if all(r["status"] == "ready" for r in rows) else 1


def cmd_remove(args: argparse.Namespace, services: Services) -> int:
    from veripost_desktop.core.package_maintenance import remove_package

    for package_id in args.package_ids:
        remove_package(services.catalog, services.store, services.lease, package_id)
        print(f"Removed {package_id}")
    return 0


def cmd_verify(args: argparse.Namespace, services: Services) -> int:
    from veripost_desktop.core.package_maintenance import verify_package

    report = verify_package(services.catalog, services.store, args.package_id)
    if args.json:
        print_json(
            {
                "package_id": report.package_id,
                "ok": report.ok,
                "files": [
                    {
                        "name": f.filename,
                        "object_key": f.object_key,
                        "state": f.state,
                        "detail": f.detail,
                    }
                    for f in report.files
                ],
            }
        )
    else:
        print(report.summary())
        for f in report.files:
            print(f"  {f.state:10} {f.filename}" + (f"  ({f.detail})" if f.detail else ""))
    return 0 if report.ok else 1


def cmd_show(args: argparse.Namespace, services: Services) -> int:
    data = show_json(services.catalog, args.package_id)
    if args.json:
        print_json(data)
        return 0
    unknown = "?"
    print(f"{data['name']}  ({data['status']})  {data['package_id']}")
    print(f"  machine     {data['machine'] or unknown}")
    print(f"  controller  {data['controller'] or unknown}")
    print(f"  system      {data['system'] or unknown}")
    print(f"  post        {data['post_name'] or unknown}  (.{data['post_extension'] or unknown})")
    print(f"  sections    {unknown if data['section_count'] is None else data['section_count']}")
    for f in data["files"]:
        if f["sections"] is not None:
            s = f["sections"]
            print(
                f"    {f['name']:36} active {s['active']:4}  calc {s['calc']:4}  "
                f"template {s['template']:4}  commented out {s['commented_out']:4}"
            )
    for r in data["library_refs"]:
        where = "master library" if r["is_master"] else ("found" if r["found"] else "MISSING")
        print(f"  {r['kind'].lower():8} {r['raw']}  ({where})")
    for w in data["warnings"]:
        print(f"  warning [{w['code']}] {w['text']}")
    return 0


def cmd_download(args: argparse.Namespace, services: Services) -> int:
    from veripost_desktop.core.downloads import download_file

    record = download_file(
        services.catalog, services.store, args.package_id, args.filename, Path(args.output)
    )
    out = Path(args.output)
    target = out / record.filename if out.is_dir() else out
    print(f"Saved {record.filename} ({human_size(record.size_bytes)}) to {target}")
    return 0


def _restore_catalog(services: Services) -> None:
    """The catalog was damaged and replaced by an empty one: fill it from storage."""
    from veripost_desktop.core.team.refresh import refresh_catalog

    print(
        f"warning: the catalog was damaged; it was moved to {services.recovered_catalog} "
        "and a new one is filled from storage.",
        file=sys.stderr,
    )
    try:
        report = refresh_catalog(services.catalog, services.store)
    except VeriPostError as exc:
        _print_error(exc.error, prefix="warning: the packages could not be brought back now: ")
        return
    print(f"warning: {report.added} package(s) came back from storage.", file=sys.stderr)


# ---- parsing and dispatch ---------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="veripost-cli",
        description="Validate, store and retrieve UPG-2 post-processor packages.",
    )
    parser.add_argument("--version", action="version", version=f"veripost-cli {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check ZIPs without storing anything")
    p.add_argument("zips", nargs="+", metavar="ZIP")
    p.add_argument("--json", action="store_true", help="print a JSON list, one entry per ZIP")

    p = sub.add_parser("ingest", help="validate and store ZIPs in the catalog")
    p.add_argument("zips", nargs="+", metavar="ZIP")
    p.add_argument("--json", action="store_true", help="print a JSON list, one entry per ZIP")
    p.add_argument(
        "--on-duplicate",
        choices=("skip", "add"),
        default="skip",
        help="a ZIP whose content is already in the catalog: skip it (default, reported as "
        "'duplicate' with the existing package id) or add it again as a new package",
    )
    p.add_argument(
        "--version-of",
        metavar="ID|auto",
        help="make each ZIP a new version of package ID's post; 'auto': of the most similar "
        "ready package with the same .SRC name when at least 50%% similar, else a new post",
    )

    p = sub.add_parser("retry", help="ingest failed packages again from their original ZIPs")
    p.add_argument("package_ids", nargs="*", metavar="PACKAGE_ID")
    p.add_argument("--all-failed", action="store_true", help="every package in error")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("remove", help="delete packages: their stored files and catalog rows")
    p.add_argument("package_ids", nargs="+", metavar="PACKAGE_ID")

    p = sub.add_parser("verify", help="re-read a package's stored files and check them")
    p.add_argument("package_id", metavar="PACKAGE_ID")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("list", help="list the packages in the catalog")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("files", help="list the files of one package")
    p.add_argument("package_id", metavar="PACKAGE_ID")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("show", help="what the parser read of one package")
    p.add_argument("package_id", metavar="PACKAGE_ID")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("download", help="download one stored file, byte for byte")
    p.add_argument("package_id", metavar="PACKAGE_ID")
    p.add_argument("filename", metavar="FILENAME")
    p.add_argument("-o", "--output", required=True, metavar="PATH", help="file or folder")

    # Commands kept in modules of their own: each adds its parsers and sets
    # ``run`` (and ``needs_services``) as the parsers' defaults.
    for module in COMMAND_MODULES:
        module.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(logging.INFO if args.verbose else logging.WARNING)
    stderr.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(stderr)
    services: Services | None = None
    try:
        settings = load_settings()
        secret = settings.s3_secret_key.get_secret_value() if settings.s3_secret_key else ""
        stderr.addFilter(RedactSecrets((secret,)))
        try:
            configure_logging(settings.log_dir, secrets=(secret,))
        except OSError as exc:  # a read-only profile must not stop a command
            print(f"warning: no log file ({exc})", file=sys.stderr)
        if args.command == "validate":
            return cmd_validate(args, settings)
        run = getattr(args, "run", None)
        if run is not None and not getattr(args, "needs_services", True):
            return int(run(args, settings))
        services = open_services(settings)
        if services.recovered_catalog is not None and args.command != "sync":
            _restore_catalog(services)
        if run is not None:
            return int(run(args, services))
        handler = {
            "ingest": cmd_ingest,
            "list": cmd_list,
            "files": cmd_files,
            "show": cmd_show,
            "retry": cmd_retry,
            "remove": cmd_remove,
            "verify": cmd_verify,
            "download": cmd_download,
        }[args.command]
        return handler(args, services)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the one error shape, never a traceback
        _print_error(as_user_error(exc))
        return 1
    finally:
        if services is not None:
            services.close()


if __name__ == "__main__":
    sys.exit(main())
