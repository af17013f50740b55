"""Figure 1: headless ingestion of the packages against a plain-SDK upload.

The app's side is exactly ``veripost-cli ingest``: ``IngestionPipeline.ingest``
(duplicates skipped, the CLI's default) over a ``ThreadPoolExecutor`` of
``settings.ingest_workers``, in a fresh data directory and bucket. It checks,
validates (a CRC pass and the ZIP's SHA-256), stores (SHA-256 of each member,
each upload confirmed by its ETag) and parses (in a parse process).

The baseline is what a script with the ``minio`` SDK would do: open each ZIP
and ``put_object`` every member, one after another, with the SDK's defaults.
Both go to the same S3 server; runs alternate so drift on a shared machine
hits both.
"""

from __future__ import annotations

import statistics
import threading
import time
import uuid
import zipfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from minio import Minio
from results import Figure

from veripost_desktop.core.catalog import PackageStatus
from veripost_desktop.core.config import Settings
from veripost_desktop.core.ingestion import IngestEvent, IngestOutcome
from veripost_desktop.core.services import open_services

ACCESS_KEY = "bench"
SECRET_KEY = "bench-secret"


def s3_settings(endpoint: str, data_dir: Path, **extra: object) -> Settings:
    return Settings(
        data_dir=data_dir,
        log_dir=data_dir / "logs",
        s3_endpoint=endpoint,
        s3_access_key=ACCESS_KEY,
        s3_secret_key=SECRET_KEY,  # type: ignore[arg-type]
        s3_bucket=f"bench-{uuid.uuid4().hex[:12]}",
        **extra,  # type: ignore[arg-type]
    )


@dataclass
class AppRun:
    seconds: float
    workers: int
    # Seconds spent in each status, summed over packages (thread time, not wall).
    step_seconds: dict[str, float]


def run_app(settings: Settings, zips: list[Path]) -> AppRun:
    services = open_services(settings)
    lock = threading.Lock()
    entered: dict[str, tuple[str, float]] = {}
    spent: dict[str, float] = defaultdict(float)

    def on_event(event: IngestEvent) -> None:
        now = time.perf_counter()
        with lock:
            previous = entered.get(event.package_id)
            if previous is not None and previous[0] == event.status.value:
                return  # a progress tick
            if previous is not None:
                spent[previous[0]] += now - previous[1]
            entered[event.package_id] = (event.status.value, now)

    def ingest_one(path: Path) -> IngestOutcome:
        return services.pipeline.ingest(path, on_event, add_duplicates=False)

    workers = max(1, min(settings.ingest_workers, len(zips)))
    try:
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(ingest_one, zips))
        seconds = time.perf_counter() - start
    finally:
        services.close()
    failed = [o for o in outcomes if not o.ok or o.duplicate_of is not None]
    if failed:
        o = failed[0]
        why = f"[{o.error.code}] {o.error.message} {o.error.detail}" if o.error else "duplicate"
        raise RuntimeError(f"{len(failed)} package(s) did not end ready; {o.path}: {why}")
    for status in (PackageStatus.READY.value, PackageStatus.ERROR.value):
        spent.pop(status, None)
    return AppRun(seconds, workers, dict(spent))


def run_baseline(endpoint: str, zips: list[Path]) -> float:
    url = urlsplit(endpoint)
    client = Minio(url.netloc, access_key=ACCESS_KEY, secret_key=SECRET_KEY, secure=False)
    bucket = f"baseline-{uuid.uuid4().hex[:12]}"
    client.make_bucket(bucket_name=bucket)
    start = time.perf_counter()
    for path in zips:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.is_dir():
                    continue
                name = info.filename.rsplit("/", 1)[-1]
                with zf.open(info) as member:
                    client.put_object(
                        bucket_name=bucket,
                        object_name=f"packages/{path.stem}/{name}",
                        data=member,  # type: ignore[arg-type]
                        length=info.file_size,
                    )
    return time.perf_counter() - start


def ingestion_figures(
    endpoint: str, zips: list[Path], total_bytes: int, work: Path, repeats: int
) -> list[Figure]:
    app_runs: list[AppRun] = []
    baseline_runs: list[float] = []
    for n in range(repeats):
        baseline_runs.append(run_baseline(endpoint, zips))
        app_runs.append(run_app(s3_settings(endpoint, work / f"ingest-app-{n}"), zips))
    best_app = min(app_runs, key=lambda r: r.seconds)
    baseline = min(baseline_runs)
    mb = total_bytes / 1_000_000
    count = len(zips)
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in best_app.step_seconds.items())
    pairs = [a.seconds / b for b, a in zip(baseline_runs, app_runs, strict=True)]
    runs = "; ".join(
        f"baseline {b:.2f} s, app {a.seconds:.2f} s (x{a.seconds / b:.2f})"
        for b, a in zip(baseline_runs, app_runs, strict=True)
    )
    return [
        Figure(
            "ingest.app",
            f"app ingestion of {count} packages ({mb:.0f} MB), {best_app.workers} workers",
            best_app.seconds,
            "s",
            note=f"best of {repeats}; time in each status summed over packages: {steps}",
        ),
        Figure(
            "ingest.baseline",
            f"baseline: minio put_object of the same {mb:.0f} MB, one by one",
            baseline,
            "s",
            note=f"best of {repeats}; back-to-back pairs: {runs}",
        ),
        Figure(
            "ingest.ratio",
            f"app / baseline, median of {repeats} back-to-back pair(s)",
            statistics.median(pairs),
            "x",
            "<=",
            1.0,
            note=f"best app / best baseline = {best_app.seconds / baseline:.2f}",
        ),
    ]
