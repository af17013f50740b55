"""The Settings dialog's rules without a dialog: what the form writes to the
settings file, what it refuses, where the folder store puts files, and where
a typed secret key goes when there is no keyring (tests/conftest.py selects
keyring's null back end)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pydantic import SecretStr

from veripost_desktop.core.config import MIB, Settings, default_user_name
from veripost_desktop.core.errors import ErrorCode, VeriPostError
from veripost_desktop.gui.settings.secret_key_saving import SecretKeys
from veripost_desktop.gui.settings.settings_form_rules import (
    FormEntries,
    file_values,
    local_store_text,
    locked_fields,
    refuse_unusable,
    unlisted_extensions,
)

ENTRIES = FormEntries(
    uses_s3=True,
    endpoint=" http://minio.example:9000 ",
    data_dir=" /data ",
    store_dir="",
    user_name=default_user_name(),
    bucket=" posts ",
    access_key="",
    region="eu-west-1",
    ingest_workers=3,
    extra_extensions=(".RTF", ".TXT"),
    max_total_mib=2,
    max_members=50,
    max_ratio=9.5,
    ratio_min_kib=4,
)


def test_the_form_becomes_settings_file_values() -> None:
    assert file_values(ENTRIES, frozenset()) == {
        "s3_endpoint": "http://minio.example:9000",
        "data_dir": "/data",
        "store_dir": None,  # no line: objects/ in the data folder
        "user_name": None,  # the login name is the default: no line
        "s3_bucket": "posts",
        "s3_access_key": None,
        "s3_region": "eu-west-1",
        "ingest_workers": 3,
        "extra_extensions": [".RTF", ".TXT"],
        "limits": {
            "max_total_uncompressed": 2 * MIB,
            "max_members": 50,
            "max_ratio": 9.5,
            "ratio_min_size": 4 * 1024,
        },
    }
    folder_store = file_values(replace(ENTRIES, uses_s3=False, user_name="Ada"), frozenset())
    assert folder_store["s3_endpoint"] is None and folder_store["user_name"] == "Ada"


def test_fields_the_environment_sets_are_not_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERIPOST_S3_ENDPOINT", "http://from-env:9000")
    monkeypatch.setenv("VERIPOST_LIMITS__MAX_MEMBERS", "5")
    locked = locked_fields()
    assert {"storage", "s3_endpoint", "max_members"} <= locked
    assert "s3_bucket" not in locked and "max_ratio" not in locked
    values = file_values(ENTRIES, locked)
    assert "s3_endpoint" not in values
    assert "max_members" not in values["limits"] and values["limits"]["max_ratio"] == 9.5


def test_a_form_the_app_could_not_start_with_is_refused() -> None:
    no_folder = file_values(replace(ENTRIES, data_dir="  "), frozenset())
    with pytest.raises(VeriPostError, match="data folder") as caught:
        refuse_unusable(no_folder, frozenset(), uses_s3=True)
    assert caught.value.code == ErrorCode.INVALID_SETTINGS
    no_address = file_values(replace(ENTRIES, endpoint="   "), frozenset())
    with pytest.raises(VeriPostError, match="Enter the address"):
        refuse_unusable(no_address, frozenset(), uses_s3=True)
    # Set by the environment: not the form's to refuse.
    refuse_unusable(no_address, frozenset({"storage"}), uses_s3=True)
    refuse_unusable(file_values(ENTRIES, frozenset()), frozenset(), uses_s3=True)


def test_where_the_folder_store_puts_files() -> None:
    assert local_store_text(" /data ", "", "posts") == str(Path("/data") / "objects" / "posts")
    assert local_store_text("/data", "/srv/store", "posts") == str(Path("/srv/store") / "posts")
    assert local_store_text("", "", "posts") == ""
    assert local_store_text("/data", "", " ") == ""


def test_types_with_no_checkbox_are_kept() -> None:
    assert unlisted_extensions((".RTF", ".TXT", ".CNF", ".DOC")) == (".TXT", ".DOC")


def test_without_a_keyring_a_secret_is_kept_by_its_owner_for_the_session() -> None:
    keys = SecretKeys()
    assert not keys.has_keyring()
    keys.save("engineer", "s3cr3t")
    assert keys.kept("engineer") == "s3cr3t" and keys.kept("other") is None
    assert SecretKeys().kept("engineer") is None  # no module-global: another owner, none
    settings = Settings(s3_endpoint="http://x:9000", s3_access_key="engineer")
    filled = keys.fill_in(settings).s3_secret_key
    assert filled is not None and filled.get_secret_value() == "s3cr3t"
    given = settings.model_copy(update={"s3_secret_key": SecretStr("from-env")})
    assert keys.fill_in(given) is given  # the environment or keyring wins
