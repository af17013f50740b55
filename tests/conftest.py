"""Shared fixtures: each test gets its own data directory and bucket; the S3
server is a real moto server over HTTP on loopback, never a mocked client."""

from __future__ import annotations

import os
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt must not look for a display on CI or a developer's headless box.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Keep tests away from the developer's real keyring and settings.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
for _name in list(os.environ):
    if _name.startswith("VERIPOST_"):
        del os.environ[_name]

from veripost_desktop.core.config import Settings  # noqa: E402

# shared/ sits beside the repository, for developers and CI alike.
CORPUS_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "upg"


@pytest.fixture(autouse=True, scope="session")
def _isolated_qsettings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Settings saved by the window go to a throw-away folder, never the
    developer's own (the app reads them at start)."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat,
        QSettings.Scope.UserScope,
        str(tmp_path_factory.mktemp("qsettings")),
    )


@pytest.fixture(autouse=True)
def _own_settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's own settings file (not created): no test reads or writes
    the developer's real one. Child processes inherit it."""
    path = tmp_path / "config" / "settings.toml"
    monkeypatch.setenv("VERIPOST_CONFIG_FILE", str(path))
    return path


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS_DIR.is_dir():
        pytest.fail(f"corpus not found at {CORPUS_DIR}: shared/ must sit beside the repository")
    return CORPUS_DIR


def make_package_zip(
    corpus: Path,
    target: Path,
    package: str = "GRBL-Post",
    folder: str | None = None,
) -> Path:
    """A ZIP of one corpus package, its files inside ``folder/`` (default: the
    package name, as Windows "Send to > Compressed folder" does)."""
    folder = package if folder is None else folder
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted((corpus / package).iterdir()):
            zf.write(path, f"{folder}/{path.name}" if folder else path.name)
    return target


@pytest.fixture
def grbl_zip(corpus_dir: Path, tmp_path: Path) -> Path:
    return make_package_zip(corpus_dir, tmp_path / "GRBL-Post.zip")


@pytest.fixture
def local_settings(tmp_path: Path) -> Settings:
    """The embedded local folder store, in this test's own data directory."""
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """A real S3 server (moto) over HTTP on 127.0.0.1; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_settings(tmp_path: Path, s3_server: str) -> Settings:
    """MinIO-style settings against the moto server, with a bucket of its own."""
    return Settings(
        data_dir=tmp_path / "data",
        s3_endpoint=s3_server,
        s3_access_key="testing",
        s3_secret_key="testing",  # type: ignore[arg-type]
        s3_bucket=f"test-{uuid.uuid4().hex[:12]}",
    )


@pytest.fixture(params=["local", "s3"])
def any_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Run a test against both stores."""
    if request.param == "local":
        return Settings(data_dir=tmp_path / "data")
    return request.getfixturevalue("s3_settings")
