"""Unfinished uploads: package prefixes with objects but no manifest.

An upload cut short anywhere in the team (a desktop killed mid-ingestion, a
removal cut halfway) leaves objects under ``packages/{id}/`` and no
``package.json``. ``collect_garbage`` lists them and removes those whose
newest object is older than the limit. It never touches a prefix with a
manifest, nor one younger than the limit: another desktop may be uploading
it right now (a live upload writes an object at least every few seconds).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from veripost_desktop.core.storage.object_store import PACKAGES_PREFIX, ObjectInfo, ObjectStore
from veripost_desktop.core.team.manifest import MANIFEST_NAME

DEFAULT_OLDER_THAN_HOURS = 24.0


@dataclass(frozen=True)
class UnfinishedPrefix:
    prefix: str
    objects: int
    bytes: int
    newest: datetime | None
    removed: bool

    def to_json(self) -> dict[str, object]:
        return {
            "prefix": self.prefix,
            "objects": self.objects,
            "bytes": self.bytes,
            "newest": self.newest.isoformat() if self.newest else None,
            "removed": self.removed,
        }


def _unfinished(objects: list[ObjectInfo]) -> dict[str, list[ObjectInfo]]:
    by_prefix: dict[str, list[ObjectInfo]] = defaultdict(list)
    finished: set[str] = set()
    for info in objects:
        parts = info.key.split("/", 2)
        if len(parts) < 3 or not parts[1]:
            continue
        prefix = f"{parts[0]}/{parts[1]}/"
        if parts[2] == MANIFEST_NAME:
            finished.add(prefix)
        by_prefix[prefix].append(info)
    return {p: objs for p, objs in by_prefix.items() if p not in finished}


def _newest(objects: list[ObjectInfo]) -> datetime | None:
    times = [o.last_modified for o in objects if o.last_modified is not None]
    return max(times) if times else None


def collect_garbage(
    store: ObjectStore,
    *,
    older_than_hours: float = DEFAULT_OLDER_THAN_HOURS,
    dry_run: bool = False,
    now: datetime | None = None,
) -> list[UnfinishedPrefix]:
    """Every unfinished prefix; those older than the limit removed unless ``dry_run``."""
    now = now or datetime.now(UTC)
    limit = timedelta(hours=older_than_hours)
    results: list[UnfinishedPrefix] = []
    for prefix, objects in sorted(_unfinished(list(store.list_objects(PACKAGES_PREFIX))).items()):
        newest = _newest(objects)
        old_enough = newest is not None and now - newest >= limit
        removed = False
        if old_enough and not dry_run:
            # Look again just before deleting: a manifest or a new object
            # written since the listing means someone is finishing it.
            again = list(store.list_objects(prefix))
            fresh = _newest(again)
            still_old = fresh is not None and now - fresh >= limit
            if again and prefix in _unfinished(again) and still_old:
                store.delete_keys(o.key for o in again)
                removed = True
        results.append(
            UnfinishedPrefix(
                prefix=prefix,
                objects=len(objects),
                bytes=sum(o.size for o in objects),
                newest=newest,
                removed=removed,
            )
        )
    return results
