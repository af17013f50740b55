"""Settling what a dead process left half done.

Every front calls ``settle_interrupted`` when it opens the catalog. A package
in a middle status whose owning process is gone (its lease lock is free) is
marked ``error`` with "Ingestion was interrupted" so the user can Retry, and
whatever it had stored is removed. A job another live process is still
running (a second window, a CLI batch) is left alone.
"""

from __future__ import annotations

import logging

from veripost_desktop.core.catalog import Catalog, PackageRecord
from veripost_desktop.core.catalog.records import IN_FLIGHT_STATUSES
from veripost_desktop.core.errors import ErrorCode, UserError
from veripost_desktop.core.process_lease import ProcessLease
from veripost_desktop.core.storage.object_store import ObjectStore

log = logging.getLogger(__name__)

INTERRUPTED_MESSAGE = "Ingestion was interrupted before it finished. Use Retry to run it again."


def settle_interrupted(
    catalog: Catalog, store: ObjectStore, lease: ProcessLease
) -> list[PackageRecord]:
    settled: list[PackageRecord] = []
    # Once storage proves unreachable, don't pay its retry time again for
    # every package: start-up must stay quick while storage is down.
    storage_down: Exception | None = None
    for pkg in catalog.list_packages(statuses=IN_FLIGHT_STATUSES):
        if lease.is_alive(pkg.owner_token):
            continue
        detail = (
            f"The package was '{pkg.status.value}' when the program that ran it stopped "
            f"(job {pkg.job_id}); it was not finished."
        )
        try:
            if storage_down is not None:
                raise storage_down
            removed = store.delete_prefix(pkg.storage_prefix)
            if removed:
                detail += f" {removed} partly stored object(s) were removed."
        except Exception as exc:  # noqa: BLE001 - storage may be down; say so
            storage_down = exc
            detail += (
                f" Stored objects could not be removed now ({exc}); "
                "they are removed on Retry or Remove."
            )
        catalog.clear_files(pkg.id)
        error = UserError(ErrorCode.INTERRUPTED, INTERRUPTED_MESSAGE, detail)
        if catalog.mark_error(pkg.id, pkg.job_id, error):
            log.warning("settled interrupted package %s (%s)", pkg.id, pkg.status.value)
            settled.append(catalog.get_package(pkg.id))
    return settled
