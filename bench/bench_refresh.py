"""Refresh from storage at team scale (issue 11): 10,000 published packages.

    .venv/bin/python bench/bench_refresh.py                 # 10,000 packages, S3 and local
    .venv/bin/python bench/bench_refresh.py --packages 500  # a quick look

Fills a real S3 server (moto, in its own process) and a local folder store
with N packages as other desktops publish them: four small files and a
``package.json`` each (5 x N objects, so the listing is as long as a real
store's), then measures on a new, empty catalog:

- refresh.first: the first refresh (every manifest fetched and written in);
  target under 60 s for 10,000 on S3 against moto;
- refresh.again: a refresh that finds nothing new; target under 5 s. The
  change marker (core/team/change_marker.py) is the one the last full
  refresh saw, so it is one request;
- refresh.again_full: the same with the store listed in full (what a window's
  first refresh, an hourly one and ``sync --full`` do): listings only, no GET
  of an unchanged manifest;
- refresh.one_new: a refresh after one more package was published (and announced).

Prints one JSON object per line and a table; the figures go in
docs/BENCHMARKS.md ("Refresh from storage").
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))
for _name in list(os.environ):
    if _name.startswith("VERIPOST_"):
        del os.environ[_name]
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

from tests.s3_process import S3ServerProcess  # noqa: E402
from veripost_desktop.core.catalog.catalog import Catalog  # noqa: E402
from veripost_desktop.core.storage.local_store import LocalFolderStore  # noqa: E402
from veripost_desktop.core.storage.object_store import ObjectStore, object_key  # noqa: E402
from veripost_desktop.core.storage.s3_store import S3Store  # noqa: E402
from veripost_desktop.core.team.change_marker import announce_change  # noqa: E402
from veripost_desktop.core.team.manifest import (  # noqa: E402
    ManifestFile,
    ManifestLibraryRef,
    ManifestReading,
    ManifestUpload,
    ManifestWarning,
    PackageManifest,
    manifest_key,
)
from veripost_desktop.core.team.refresh import refresh_catalog  # noqa: E402

FILES = (("POST.SRC", ".SRC"), ("POST.LIB", ".LIB"), ("POST.CTL", ".CTL"), ("POST.LNG", ".LNG"))


def publish_one(store: ObjectStore, n: int) -> None:
    package_id = str(uuid.uuid4())
    files = []
    for name, ext in FILES:
        data = f"{name} of package {n}\n".encode() * 4
        store.put_bytes(object_key(package_id, name), data)
        files.append(
            ManifestFile(
                name=name,
                extension=ext,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                object_key=object_key(package_id, name),
                sections_active=80 if ext == ".SRC" else None,
            )
        )
    manifest = PackageManifest(
        package_id=package_id,
        name=f"POST-{n:05d}",
        zip_sha256=hashlib.sha256(str(n).encode()).hexdigest(),
        zip_size=4096,
        files=tuple(files),
        reading=ManifestReading(
            system="MILL",
            machine=f"Machine {n % 37}",
            controller="FANUC",
            post_name="POST",
            post_extension="NC",
            section_count=81,
            library_refs=(
                ManifestLibraryRef(
                    from_file="POST.SRC",
                    kind="LIBRARY",
                    raw=r".\POST.LIB",
                    file_name="POST.LIB",
                    line=12,
                    is_master=False,
                    found=True,
                ),
            ),
            warnings=(ManifestWarning(code="ctl_without_lng", text="x", file="POST.CTL"),),
        ),
        uploaded=ManifestUpload(user=f"user{n % 5}", host="bench", at=datetime.now(UTC)),
    )
    store.put_bytes(manifest_key(package_id), manifest.to_bytes())


def fill(store: ObjectStore, count: int, workers: int = 16) -> float:
    store.ensure_ready()
    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda n: publish_one(store, n), range(count)))
    return time.perf_counter() - start


def measure(label: str, store: ObjectStore, count: int, folder: Path) -> list[dict[str, object]]:
    fill_s = fill(store, count)
    # As the last desktop to publish did: the store's change marker.
    announce_change(store, "published", "bench", "bench", "bench")
    catalog = Catalog(folder / f"{label}.sqlite3")
    rows = []

    def timed(name: str, expect_added: int, *, full: bool = False) -> None:
        start = time.perf_counter()
        report = refresh_catalog(catalog, store, full=full)
        seconds = time.perf_counter() - start
        assert report.added == expect_added and not report.errors, report.summary()
        row = {"store": label, "figure": name, "packages": count, "seconds": round(seconds, 2)}
        rows.append(row)
        print(json.dumps(rows[-1]), flush=True)

    timed("refresh.first", count)
    timed("refresh.again", 0)  # the change marker is the one the first refresh saw
    timed("refresh.again_full", 0, full=True)  # listings only (start-up, hourly, --full)
    publish_one(store, count)
    announce_change(store, "published", "bench", "bench", "bench")
    timed("refresh.one_new", 1)
    catalog.close()
    rows.append({"store": label, "figure": "fill", "packages": count, "seconds": round(fill_s, 1)})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--packages", type=int, default=10_000)
    parser.add_argument("--only", choices=("s3", "local"))
    args = parser.parse_args()
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="veripost-refresh-") as tmp:
        folder = Path(tmp)
        if args.only in (None, "s3"):
            server = S3ServerProcess()
            server.start()
            try:
                store = S3Store(server.endpoint, "bench", "bench", "refresh", max_connections=32)
                rows += measure("s3", store, args.packages, folder)
            finally:
                server.stop()
        if args.only in (None, "local"):
            local = LocalFolderStore(folder / "shared", "veripost")
            rows += measure("local", local, args.packages, folder)
    targets = {"refresh.first": 60.0, "refresh.again": 5.0, "refresh.again_full": 5.0}
    print(f"\n{'store':6} {'figure':16} {'packages':>8} {'seconds':>8}  target")
    for r in rows:
        target = targets.get(str(r["figure"]))
        verdict = ""
        if target is not None and r["store"] == "s3":
            verdict = f"< {target:g} s " + ("PASS" if float(r["seconds"]) < target else "FAIL")  # type: ignore[arg-type]
        print(f"{r['store']:6} {r['figure']:16} {r['packages']:>8} {r['seconds']:>8}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
