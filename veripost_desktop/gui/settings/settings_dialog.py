"""Settings: where packages are stored, who you are, how many ingest at once,
ZIP limits and the extra file types a package may carry.

*Save* writes the settings file (``core/settings_file.py``), which the window
and every ``veripost-cli`` command read. A value set by a ``VERIPOST_*``
environment variable wins over the file: its field is shown read-only, with
"Set by VERIPOST_..." beside it, and it is not saved. Keys the dialog does not
show stay in the file as they were. The S3 secret key goes to the OS keyring,
never to the settings file; on a computer with no keyring the dialog says so
and uses the typed key for this session only (``VERIPOST_S3_SECRET_KEY`` is
the lasting fallback).

*Test connection* checks the storage as filled in (saved or not) on a pool
thread, so the window stays responsive while a server is slow to answer.

The dialog does not reopen anything itself: *Save* writes the file and
emits ``settingsSaved(Settings)`` with the settings the app should now run on.

Widgets and layout only: the rules (what is saved, what is refused) are in
``settings_form_rules.py``, where the secret key goes in ``secret_key_saving.py``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from PySide6.QtCore import QThreadPool, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from veripost_desktop.core.config import MIB, Settings, ZipLimits, load_settings
from veripost_desktop.core.errors import UserError, as_user_error
from veripost_desktop.core.settings_file import (
    SECRET_KEY_ENV,
    config_file_path,
    update_settings_file,
)
from veripost_desktop.gui.settings.connection_check_worker import ConnectionCheckWorker
from veripost_desktop.gui.settings.secret_key_saving import NO_KEYRING_NOTE, SecretKeys
from veripost_desktop.gui.settings.settings_form_rules import (
    EXTRA_TYPES,
    KIB,
    FormEntries,
    effective_or_defaults,
    env_override,
    file_values,
    local_store_text,
    locked_fields,
    refuse_unusable,
    unlisted_extensions,
)
from veripost_desktop.gui.widgets import icons
from veripost_desktop.gui.widgets.error_dialog import show_error

log = logging.getLogger(__name__)

OBJECT_NAME = "settingsDialog"


class SettingsDialog(QDialog):
    """Edit the settings file (``core.settings_file.config_file_path()``)."""

    settingsSaved = Signal(object)  # Settings: what the app should run on now
    connectionChecked = Signal(object)  # UserError | None, after each Test connection

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        thread_pool: QThreadPool | None = None,
        check_timeout_s: float = 5.0,
        secret_keys: SecretKeys | None = None,
    ) -> None:
        """``secret_keys``: where typed secret keys go; the window passes its
        own, so a key kept for the session (no keyring) outlives the dialog."""
        super().__init__(parent)
        self.setObjectName(OBJECT_NAME)
        self.setWindowTitle("Settings")
        self.setWindowIcon(icons.icon("settings"))
        self.setMinimumWidth(600)
        self._pool = thread_pool or QThreadPool.globalInstance()
        self._check_timeout_s = check_timeout_s
        self._check_worker: ConnectionCheckWorker | None = None
        self._last_error: UserError | None = None
        self._secret_keys = secret_keys if secret_keys is not None else SecretKeys()
        self._keyring = self._secret_keys.has_keyring()
        self.settings_file = config_file_path()

        effective, self._file_problem = effective_or_defaults()
        self._extra_unknown = unlisted_extensions(effective.extra_extensions)

        self._build(effective)
        self._lock_environment_fields()
        self._update_storage_fields()

    # ---- building ----------------------------------------------------------

    def _build(self, effective: Settings) -> None:
        layout = QVBoxLayout(self)
        self._layout = layout
        if self._file_problem is not None:
            self.file_problem_note = QLabel(
                f"{self._file_problem.message} The values below are the defaults; "
                "Save writes a new settings file (an unreadable one is kept beside it).",
                self,
            )
            self.file_problem_note.setObjectName("settingsFileProblem")
            self.file_problem_note.setWordWrap(True)
            self.file_problem_note.setToolTip(self._file_problem.detail or "")
            layout.addWidget(self.file_problem_note)
        layout.addWidget(self._build_storage(effective))
        layout.addWidget(self._build_ingestion(effective))
        layout.addWidget(self._build_limits(effective.limits))
        self.file_label = QLabel(f"Saved in {self.settings_file}", self)
        self.file_label.setObjectName("settingsFileLabel")
        self.file_label.setWordWrap(True)
        self.file_label.setEnabled(False)  # the palette's muted text colour
        self.file_label.setToolTip(
            "The window and every veripost-cli command read this file. "
            "VERIPOST_CONFIG_FILE names another one."
        )
        layout.addWidget(self.file_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.setObjectName("settingsButtons")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def _build_storage(self, effective: Settings) -> QGroupBox:
        box = QGroupBox("Storage", self)
        form = QFormLayout(box)
        self._form = form

        self.local_radio = QRadioButton("A folder (on this computer or a shared drive)", box)
        self.local_radio.setObjectName("storageLocalRadio")
        self.s3_radio = QRadioButton("MinIO / S3 server", box)
        self.s3_radio.setObjectName("storageS3Radio")
        self._storage_group = QButtonGroup(self)
        self._storage_group.addButton(self.local_radio)
        self._storage_group.addButton(self.s3_radio)
        (self.s3_radio if effective.uses_s3 else self.local_radio).setChecked(True)
        self.local_radio.toggled.connect(self._update_storage_fields)
        radios = QWidget(box)
        radio_row = QHBoxLayout(radios)
        radio_row.setContentsMargins(0, 0, 0, 0)
        radio_row.addWidget(self.local_radio)
        radio_row.addWidget(self.s3_radio)
        radio_row.addStretch(1)
        self._storage_row = radios
        form.addRow("Store packages in:", radios)

        self.data_dir_edit = _line_edit(box, "dataDirEdit", str(effective.data_dir))
        self.data_dir_edit.setToolTip(
            "The folder of this computer's catalog (catalog.sqlite3) and, unless a store "
            "folder is chosen below, of the stored files (objects/)."
        )
        self.data_dir_edit.textChanged.connect(self._update_local_label)
        self.browse_button = QPushButton("&Browse...", box)
        self.browse_button.setObjectName("dataDirBrowseButton")
        self.browse_button.clicked.connect(self._choose_data_dir)
        form.addRow(
            "Data folder:",
            self._with_env_note("data_dir", _row(box, self.data_dir_edit, self.browse_button)),
        )

        store_dir = "" if effective.store_dir is None else str(effective.store_dir)
        self.store_dir_edit = _line_edit(
            box, "storeDirEdit", store_dir, "objects/ in the data folder"
        )
        self.store_dir_edit.setToolTip(
            "Where the folder store keeps the packages' files. Leave empty for objects/ in "
            "the data folder; a folder on a shared network drive serves a small team "
            "without MinIO."
        )
        self.store_dir_edit.textChanged.connect(self._update_local_label)
        self.store_browse_button = QPushButton("B&rowse...", box)
        self.store_browse_button.setObjectName("storeDirBrowseButton")
        self.store_browse_button.clicked.connect(self._choose_store_dir)
        form.addRow(
            "Store folder:",
            self._with_env_note(
                "store_dir", _row(box, self.store_dir_edit, self.store_browse_button)
            ),
        )

        self.local_label = QLabel(box)
        self.local_label.setObjectName("localStoreLabel")
        self.local_label.setWordWrap(True)
        form.addRow("Files go to:", self.local_label)

        self.endpoint_edit = _line_edit(
            box, "endpointEdit", effective.s3_endpoint or "", "http://127.0.0.1:9000"
        )
        self.bucket_edit = _line_edit(box, "bucketEdit", effective.s3_bucket)
        self.access_key_edit = _line_edit(box, "accessKeyEdit", effective.s3_access_key or "")
        self.secret_key_edit = _line_edit(box, "secretKeyEdit", "")
        self.secret_key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        if effective.s3_secret_key is not None:
            self.secret_key_edit.setPlaceholderText("(saved; leave empty to keep it)")
        elif self._secret_keys.kept(effective.s3_access_key) is not None:
            self.secret_key_edit.setPlaceholderText(
                "(kept for this session; leave empty to keep it)"
            )
        self.region_edit = _line_edit(box, "regionEdit", effective.s3_region)
        self.bucket_edit.textChanged.connect(self._update_local_label)
        self._update_local_label()
        self._s3_fields: list[QWidget] = []
        for label, name, widget in (
            ("Endpoint URL:", "s3_endpoint", self.endpoint_edit),
            ("Bucket:", "s3_bucket", self.bucket_edit),
            ("Access key:", "s3_access_key", self.access_key_edit),
            ("Secret key:", "s3_secret_key", self.secret_key_edit),
            ("Region:", "s3_region", self.region_edit),
        ):
            form.addRow(label, self._with_env_note(name, widget))
            self._s3_fields.append(widget)

        self.keyring_note = QLabel(NO_KEYRING_NOTE, box)
        self.keyring_note.setObjectName("keyringNote")
        self.keyring_note.setWordWrap(True)
        self.keyring_note.setVisible(not self._keyring)
        form.addRow(self.keyring_note)  # the full width: it is a sentence, not a field

        self.test_button = QPushButton("Test connection", box)
        self.test_button.setObjectName("testConnectionButton")
        self.test_button.clicked.connect(self.test_connection)
        self.connection_result = QLabel("", box)
        self.connection_result.setObjectName("connectionResult")
        self.connection_result.setWordWrap(True)
        self.details_button = QPushButton("Details...", box)
        self.details_button.setObjectName("connectionDetailsButton")
        self.details_button.setVisible(False)
        self.details_button.clicked.connect(self._show_connection_details)
        test_row = QWidget(box)
        row = QHBoxLayout(test_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.test_button)
        row.addWidget(self.details_button)
        row.addStretch(1)
        form.addRow("", test_row)
        form.addRow(self.connection_result)
        return box

    def _build_ingestion(self, effective: Settings) -> QGroupBox:
        box = QGroupBox("Ingestion", self)
        form = QFormLayout(box)
        self.user_name_edit = _line_edit(box, "userNameEdit", effective.user_name)
        self.user_name_edit.setToolTip(
            "Shown as Uploaded by on every package you add. Empty: your login name."
        )
        form.addRow("Your name:", self._with_env_note("user_name", self.user_name_edit))
        self.workers_spin = _spin(box, "workersSpin", 1, 64, effective.ingest_workers)
        self.workers_spin.setToolTip("How many packages are checked and stored at the same time.")
        form.addRow("Packages at once:", self._with_env_note("ingest_workers", self.workers_spin))

        types = QWidget(box)
        column = QVBoxLayout(types)
        column.setContentsMargins(0, 0, 0, 0)
        self.extra_checks: dict[str, QCheckBox] = {}
        for extension, label, name in EXTRA_TYPES:
            check = QCheckBox(label, types)
            check.setObjectName(name)
            check.setChecked(extension in effective.extra_extensions)
            column.addWidget(check)
            self.extra_checks[extension] = check
        form.addRow("Extra accepted file types:", self._with_env_note("extra_extensions", types))
        return box

    def _build_limits(self, limits: ZipLimits) -> QGroupBox:
        box = QGroupBox("ZIP limits", self)
        box.setToolTip("Bounds that refuse ZIP bombs; far above any real post package.")
        form = QFormLayout(box)
        self.max_total_spin = _spin(
            box, "maxTotalSpin", 1, 2**31 - 1, max(1, limits.max_total_uncompressed // MIB)
        )
        self.max_total_spin.setSuffix(" MiB")
        self.max_members_spin = _spin(box, "maxMembersSpin", 1, 2**31 - 1, limits.max_members)
        self.max_ratio_spin = QDoubleSpinBox(box)
        self.max_ratio_spin.setObjectName("maxRatioSpin")
        self.max_ratio_spin.setRange(1.01, 1_000_000.0)
        self.max_ratio_spin.setDecimals(2)
        self.max_ratio_spin.setValue(limits.max_ratio)
        self.ratio_min_spin = _spin(
            box, "ratioMinSizeSpin", 0, 2**31 - 1, limits.ratio_min_size // KIB
        )
        self.ratio_min_spin.setSuffix(" KiB")
        for label, name, widget in (
            ("Largest total size:", "max_total_uncompressed", self.max_total_spin),
            ("Most files in a ZIP:", "max_members", self.max_members_spin),
            ("Highest compression ratio:", "max_ratio", self.max_ratio_spin),
            ("Ratio checked from size:", "ratio_min_size", self.ratio_min_spin),
        ):
            form.addRow(label, self._with_env_note(name, widget))
        return box

    def _with_env_note(self, field: str, widget: QWidget) -> QWidget:
        """``widget``, with "Set by VERIPOST_..." beside it when the environment sets it."""
        variable = env_override(field)
        if variable is None:
            return widget
        holder = QWidget(widget.parentWidget())
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(widget, stretch=1)
        note = QLabel(f"Set by {variable}", holder)
        note.setObjectName(f"envNote_{field}")
        note.setEnabled(False)  # the palette's muted text colour
        row.addWidget(note)
        return holder

    def _lock_environment_fields(self) -> None:
        widgets: dict[str, list[QWidget]] = {
            "storage": [self.local_radio, self.s3_radio],
            "data_dir": [self.data_dir_edit, self.browse_button],
            "store_dir": [self.store_dir_edit, self.store_browse_button],
            "user_name": [self.user_name_edit],
            "s3_endpoint": [self.endpoint_edit],
            "s3_bucket": [self.bucket_edit],
            "s3_access_key": [self.access_key_edit],
            "s3_secret_key": [self.secret_key_edit],
            "s3_region": [self.region_edit],
            "ingest_workers": [self.workers_spin],
            "extra_extensions": list(self.extra_checks.values()),
            "max_total_uncompressed": [self.max_total_spin],
            "max_members": [self.max_members_spin],
            "max_ratio": [self.max_ratio_spin],
            "ratio_min_size": [self.ratio_min_spin],
        }
        self._locked = locked_fields()
        for field in self._locked:
            variable = env_override(field)
            for widget in widgets[field]:
                widget.setToolTip(
                    f"Set by {variable}: change that environment variable to change it"
                )
                if isinstance(widget, QLineEdit | QAbstractSpinBox):
                    widget.setReadOnly(True)
                else:
                    widget.setEnabled(False)
        if "s3_secret_key" in self._locked:
            self.secret_key_edit.setPlaceholderText(f"(set by {SECRET_KEY_ENV})")
            self.keyring_note.setVisible(False)

    def _update_storage_fields(self) -> None:
        uses_s3 = self.s3_radio.isChecked()
        for widget in self._s3_fields:
            widget.setEnabled(uses_s3)
        self.store_dir_edit.setEnabled(not uses_s3)
        self.store_browse_button.setEnabled(not uses_s3 and "store_dir" not in self._locked)
        self.local_label.setEnabled(not uses_s3)
        self.keyring_note.setEnabled(uses_s3)

    def _update_local_label(self, *_: object) -> None:
        self.local_label.setText(
            local_store_text(
                self.data_dir_edit.text(), self.store_dir_edit.text(), self.bucket_edit.text()
            )
        )

    def _choose_data_dir(self) -> None:
        chosen = QFileDialog.getExistingDirectory(
            self, "Data folder", self.data_dir_edit.text().strip() or str(Path.home())
        )
        if chosen:
            self.data_dir_edit.setText(chosen)

    def _choose_store_dir(self) -> None:
        start = self.store_dir_edit.text().strip() or self.data_dir_edit.text().strip()
        chosen = QFileDialog.getExistingDirectory(self, "Store folder", start or str(Path.home()))
        if chosen:
            self.store_dir_edit.setText(chosen)

    # ---- reading the form --------------------------------------------------

    @property
    def locked_fields(self) -> frozenset[str]:
        """Fields the environment sets (shown read-only, never saved)."""
        return self._locked

    def form_entries(self) -> FormEntries:
        """What the form holds, as plain values."""
        ticked = tuple(e for e, check in self.extra_checks.items() if check.isChecked())
        return FormEntries(
            uses_s3=self.s3_radio.isChecked(),
            endpoint=self.endpoint_edit.text(),
            data_dir=self.data_dir_edit.text(),
            store_dir=self.store_dir_edit.text(),
            user_name=self.user_name_edit.text(),
            bucket=self.bucket_edit.text(),
            access_key=self.access_key_edit.text(),
            region=self.region_edit.text(),
            ingest_workers=self.workers_spin.value(),
            extra_extensions=ticked + self._extra_unknown,
            max_total_mib=self.max_total_spin.value(),
            max_members=self.max_members_spin.value(),
            max_ratio=self.max_ratio_spin.value(),
            ratio_min_kib=self.ratio_min_spin.value(),
        )

    def form_values(self) -> dict[str, Any]:
        """The form as settings-file values (``settings_form_rules.file_values``);
        fields the environment sets are left out."""
        return file_values(self.form_entries(), self._locked)

    def typed_secret(self) -> str | None:
        if "s3_secret_key" in self._locked:
            return None
        return self.secret_key_edit.text() or None

    def form_settings(self) -> Settings:
        """The settings the form describes (environment still winning), with
        the typed secret if there is one. Raises ``VeriPostError`` if invalid."""
        values = self.form_values()
        refuse_unusable(values, self._locked, self.s3_radio.isChecked())
        # Keyword arguments beat the environment and the file; the locked
        # fields are not among them, so the environment still wins there.
        overrides = dict(values)
        # Typed now, or typed earlier this session on a computer with no keyring.
        # Without either, load_settings takes it from the environment or keyring.
        secret = self.typed_secret() or self._secret_keys.kept(self.access_key_edit.text().strip())
        if secret is not None:
            overrides["s3_secret_key"] = SecretStr(secret)
        # While the file cannot be read the form is checked without it; saving
        # sets the unreadable file aside.
        return load_settings(use_file=self._file_problem is None, **overrides)

    # ---- test connection ---------------------------------------------------

    @property
    def checking(self) -> bool:
        return self._check_worker is not None

    def test_connection(self) -> None:
        if self._check_worker is not None:
            return
        try:
            settings = self.form_settings()
        except Exception as exc:  # noqa: BLE001 - shown in the dialog
            self._on_check_failed(as_user_error(exc))
            return
        worker = ConnectionCheckWorker(settings, self._check_timeout_s)
        worker.signals.finished.connect(self._on_check_finished)
        worker.signals.failed.connect(self._on_check_failed)
        self._check_worker = worker
        self.test_button.setEnabled(False)
        self.details_button.setVisible(False)
        self.connection_result.setToolTip("")
        self.connection_result.setText("Testing the connection...")
        self._pool.start(worker)

    def _on_check_finished(self, description: str) -> None:
        self._check_worker = None
        self._last_error = None
        self.test_button.setEnabled(True)
        self.connection_result.setText(f"Connected: {description}")
        self.connection_result.setToolTip(description)
        self._fit_height()
        self.connectionChecked.emit(None)

    def _on_check_failed(self, error: UserError) -> None:
        self._check_worker = None
        self._last_error = error
        self.test_button.setEnabled(True)
        self.connection_result.setText(f"{error.message} (error code: {error.code})")
        self.connection_result.setToolTip(error.detail or error.message)
        self.details_button.setVisible(True)
        self._fit_height()
        self.connectionChecked.emit(error)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        # Wrapped notes (no keyring, a file problem) need their full height at
        # the width the dialog opened with.
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow (never shrink) to show a result that wrapped onto more lines:
        a top-level window does not follow its labels' height-for-width."""
        self._layout.activate()
        needed = self._layout.totalHeightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def _show_connection_details(self) -> None:
        if self._last_error is not None:
            show_error(self, self._last_error, title="Connection test failed")

    # ---- saving ------------------------------------------------------------

    def save(self) -> None:
        """Validate, keep the secret, write the settings file, emit
        ``settingsSaved``, close. A problem is shown and the dialog stays open."""
        try:
            self.form_settings()  # refuse what the app could not start with
            self._store_secret()
            update_settings_file(
                self.form_values(), path=self.settings_file, set_aside_unreadable=True
            )
            settings = load_settings()
        except Exception as exc:  # noqa: BLE001 - shown, the dialog stays open
            log.warning("settings not saved: %s", exc)
            show_error(self, as_user_error(exc), title="Settings not saved")
            return
        self.settingsSaved.emit(self._secret_keys.fill_in(settings))
        self.accept()

    def _store_secret(self) -> None:
        secret = self.typed_secret()
        if secret is None or not self.s3_radio.isChecked():
            return
        self._secret_keys.save(self.access_key_edit.text().strip(), secret)


def _row(parent: QWidget, edit: QLineEdit, button: QPushButton) -> QWidget:
    holder = QWidget(parent)
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(edit, stretch=1)
    row.addWidget(button)
    return holder


def _line_edit(parent: QWidget, name: str, text: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit(text, parent)
    edit.setObjectName(name)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


def _spin(parent: QWidget, name: str, low: int, high: int, value: int) -> QSpinBox:
    spin = QSpinBox(parent)
    spin.setObjectName(name)
    spin.setRange(low, high)
    spin.setValue(min(max(value, low), high))
    spin.setGroupSeparatorShown(True)
    return spin
