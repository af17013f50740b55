"""``veripost --self-test``: prove this installation works, end to end, offscreen.

It opens the real main window on a temporary data folder (local store, no
server, nothing of the user's touched), drops the bundled sample package
(SCL-SW-GRBL 1.1, MIT, in ``resources/sample_package/``) on it as a ZIP,
waits for ``ready``, then checks every stored file three ways against the
sample files: the catalog's SHA-256, the bytes in the store, and a download
through the same code a double-click uses. It also checks the icons can be
drawn (QtSvg and the resources made it into the build) and the catalog's
migrations ran (Alembic found its scripts on disk).

Meant for a freshly built bundle (``scripts/build_installer.sh`` runs it) and
for support: it prints a short report and exits 0, or 1 on any failure.
"""

from __future__ import annotations

import hashlib
import os
import platform
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import PySide6
from PySide6.QtCore import QEventLoop, QTimer, qVersion
from PySide6.QtGui import QGuiApplication

from veripost_desktop import __version__
from veripost_desktop.core.catalog import Catalog, PackageRecord, PackageStatus
from veripost_desktop.core.catalog.database import current_revision, head_revision
from veripost_desktop.core.config import Settings
from veripost_desktop.core.downloads import download_file
from veripost_desktop.core.errors import as_user_error
from veripost_desktop.core.ingestion.parse_pool import parse_pool
from veripost_desktop.gui.widgets import icons
from veripost_desktop.gui.window.application import create_main_window, ensure_application

SAMPLE_PACKAGE = "SCL-SW-GRBL-1_1"
DEFAULT_TIMEOUT_S = 60.0
# Starting a parse process: a spawned interpreter (or built program) and its imports.
PARSE_PROCESS_TIMEOUT_S = 30.0


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    failures: int = 0

    def ok(self, what: str) -> None:
        self.lines.append(f"  ok    {what}")

    def fail(self, what: str) -> None:
        self.failures += 1
        self.lines.append(f"  FAIL  {what}")

    def check(self, passed: bool, what: str) -> bool:
        (self.ok if passed else self.fail)(what)
        return passed

    def info(self, what: str) -> None:
        self.lines.append(f"        {what}")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sample_files() -> list[Path]:
    folder = icons.resources_dir() / "sample_package" / SAMPLE_PACKAGE
    files = sorted(p for p in folder.iterdir() if p.is_file())
    if not files:
        raise FileNotFoundError(f"the sample package in {folder} is empty")
    return files


def build_sample_zip(files: list[Path], target: Path) -> Path:
    """The sample as a person would send it: files inside a folder of the package's name."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in files:
            zf.write(path, f"{SAMPLE_PACKAGE}/{path.name}")
    return target


@contextmanager
def _without_veripost_environment() -> Iterator[None]:
    """The self-test checks the program, not this computer's configuration:
    no VERIPOST_* variable may send it to a real server or data folder."""
    saved = {k: v for k, v in os.environ.items() if k.upper().startswith("VERIPOST_")}
    for key in saved:
        del os.environ[key]
    try:
        yield
    finally:
        os.environ.pop("VERIPOST_CONFIG_FILE", None)
        os.environ.update(saved)


def run_self_test(
    out: TextIO | None = None,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    report_path: Path | None = None,
) -> int:
    """Run every check; write the report to ``out`` (stdout) and ``report_path``.
    Returns the exit code: 0 when everything passed."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    report = Report()
    started = time.monotonic()
    try:
        with (
            _without_veripost_environment(),
            tempfile.TemporaryDirectory(
                prefix="veripost-self-test-", ignore_cleanup_errors=True
            ) as tmp,
        ):
            # Nor may the settings file: one that does not exist is used instead.
            os.environ["VERIPOST_CONFIG_FILE"] = str(Path(tmp) / "no-settings.toml")
            _run_checks(report, Path(tmp), timeout_s)
    except Exception as exc:  # noqa: BLE001 - a broken check is a failed self-test
        error = as_user_error(exc)
        report.fail(f"{error.message} [{error.code}]")
        for line in (error.detail or "").strip().splitlines():
            report.info(line)
    verdict = "passed" if report.failures == 0 else f"FAILED ({report.failures} failures)"
    report.lines.append(f"self-test {verdict} in {time.monotonic() - started:.1f} s")
    text = "\n".join(report.lines) + "\n"
    stream = out if out is not None else sys.stdout
    if stream is not None:  # None in a Windows GUI build started without a console
        stream.write(text)
        stream.flush()
    if report_path is not None:
        report_path.write_text(text, encoding="utf-8")
    return 0 if report.failures == 0 else 1


def _parse_process_check(workers: int) -> tuple[bool, str]:
    """Can this installation start a parse process? (A built program must
    call freeze_support first; a failing pool would only show as parsing
    falling back to the app's own process, slower and silently.)"""
    pool = parse_pool(max(1, workers))
    assert pool is not None
    try:
        pid = pool.submit(os.getpid).result(timeout=PARSE_PROCESS_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return False, f"parse process could not start: {type(exc).__name__}: {exc}"
    return pid != os.getpid(), f"parse process runs (pid {pid}, {workers} configured)"


def _run_checks(report: Report, tmp: Path, timeout_s: float) -> None:
    ensure_application()
    report.lines.append(f"VeriPost Desktop {__version__} self-test")
    report.info(
        f"Qt {qVersion()}, PySide6 {PySide6.__version__}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}, Qt platform "
        f"{QGuiApplication.platformName()}"
    )
    frozen = getattr(sys, "frozen", False)
    report.info(f"running from {'a built bundle' if frozen else 'Python'}: {sys.executable}")

    bad_icons = icons.undrawable_icons()
    report.check(
        not bad_icons,
        f"icons drawn from SVG ({len(icons.ICON_NAMES)})"
        if not bad_icons
        else f"icons not drawable: {', '.join(bad_icons)}",
    )

    files = sample_files()
    expected = {p.name: (p.stat().st_size, sha256_of(p)) for p in files}
    sample_zip = build_sample_zip(files, tmp / f"{SAMPLE_PACKAGE}.zip")
    report.ok(f"sample package {SAMPLE_PACKAGE}: {len(files)} files")

    settings = Settings(data_dir=tmp / "data", log_dir=tmp / "logs", ingest_workers=2)
    window = create_main_window(settings)
    try:
        window.show()
        services = window.services
        report.ok(f"main window opened; storage: {services.store.description}")
        revision = current_revision(services.catalog.write_engine)
        report.check(
            revision is not None and revision == head_revision(),
            f"catalog created; Alembic migrated it to {revision} (head {head_revision()})",
        )

        refusals = window.add_files([sample_zip])
        if refusals:
            for refusal in refusals:
                report.fail(f"sample refused: {refusal.error.message} [{refusal.error.code}]")
                report.info(refusal.error.detail)
            return
        began = time.monotonic()
        record = _wait_for_final(services.catalog, timeout_s)
        if record is None:
            report.fail(f"sample not ingested within {timeout_s:.0f} s")
            return
        if not report.check(
            record.status is PackageStatus.READY,
            f"sample ingested: {record.status.value} in {time.monotonic() - began:.2f} s",
        ):
            report.info(f"{record.error_code}: {record.error_message}")
            report.info(record.error_detail or "")
            return
        report.check(
            record.section_count is not None and record.section_count > 0,
            f"sample parsed: {record.section_count} sections",
        )
        report.check(*_parse_process_check(settings.parse_workers))

        stored = {f.filename: f for f in services.catalog.list_files(record.id)}
        report.check(
            sorted(stored) == sorted(expected),
            f"catalog lists the {len(expected)} sample files",
        )
        downloads = tmp / "downloads"
        downloads.mkdir()
        for name, (size, digest) in sorted(expected.items()):
            file = stored.get(name)
            if file is None:
                report.fail(f"{name}: not in the catalog")
                continue
            in_store = hashlib.sha256()
            for chunk in services.store.iter_chunks(file.object_key):
                in_store.update(chunk)
            download_file(services.catalog, services.store, record.id, name, downloads)
            same = (
                file.size_bytes == size
                and file.sha256 == digest
                and in_store.hexdigest() == digest
                and sha256_of(downloads / name) == digest
            )
            report.check(
                same,
                f"{name}: {size} bytes, sha256 {digest[:16]}... "
                + ("matches in catalog, store and download" if same else "DIFFERS"),
            )
    finally:
        window.close()
        window.deleteLater()


def _wait_for_final(catalog: Catalog, timeout_s: float) -> PackageRecord | None:
    """The first package once it is ready or in error, running Qt's event loop
    meanwhile (the workers report through queued signals); None on timeout."""
    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    found: list[PackageRecord] = []

    def poll() -> None:
        packages = catalog.list_packages()
        if packages and packages[0].status.is_final:
            found.append(packages[0])
            loop.quit()
        elif time.monotonic() > deadline:
            loop.quit()

    timer = QTimer()
    timer.setInterval(50)
    timer.timeout.connect(poll)
    timer.start()
    poll()
    if not found:
        loop.exec()
    timer.stop()
    return found[0] if found else None
