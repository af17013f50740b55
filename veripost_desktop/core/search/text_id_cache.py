"""The text ids of lines the search index has met before, kept by the
writing process between packages (issue 14: ingestion with the index no more
than 10% slower).

Posts of one shop share most of their lines, so most of a new package's
~4,000 distinct lines are already in ``search_texts``. Looking each up
there (the text's unique index, inside the write transaction) was the
largest part of writing a package's index; a dictionary answers most of
them, and only the rest go to SQLite.

When an id may be trusted:

- An entry is added only after the transaction that read it has committed
  (``index_writer.write_package_index`` publishes what ``write_index``
  learned), so a rolled-back write leaves nothing behind.
- Only texts that were already in the index are remembered (a line met
  in two packages is likely to be met again; one met once is not), and at
  most ``MAX_ENTRIES`` of them.
- A text keeps its id until it is removed, and every removal, by any process
  sharing the index, adds one to a counter in ``search_info`` in the
  same transaction (``index_writer.delete_index``). Every entry was read
  with the counter at the cache's value. The writer looks its lines up
  before taking the write lock (``peek``) and reads the counter inside its
  write transaction, where no other process can remove anything: the same
  value means the ids hold; another means the cache forgets everything
  and the lines are looked up again (``lookup``).

Each ``Catalog`` object has its own cache, so a catalog file opened anew
starts with an empty one.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

# search_info key: how many times texts have been removed from the index.
REMOVALS_KEY = "search_text_removals"
# About 100 bytes of dictionary and string a line of a post.
MAX_ENTRIES = 250_000


def read_removals(raw: sqlite3.Connection) -> int:
    row = raw.execute("SELECT value FROM search_info WHERE key = ?", (REMOVALS_KEY,)).fetchone()
    return int(row[0]) if row is not None else 0


def count_removal(raw: sqlite3.Connection) -> None:
    """Called in the transaction that removes texts from ``search_texts``."""
    raw.execute(
        "INSERT INTO search_info (key, value) VALUES (?, '1') "
        "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        (REMOVALS_KEY,),
    )


@dataclass(frozen=True, slots=True)
class LearnedIds:
    """What one write found in ``search_texts``, as of ``removals``."""

    removals: int
    ids: dict[str, int] = field(default_factory=dict)


class TextIdCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._lock = threading.Lock()
        self._ids: dict[str, int] = {}
        self._removals: int | None = None
        self._max_entries = max_entries

    def __len__(self) -> int:
        return len(self._ids)

    def lookup(self, removals: int, texts: Iterable[str]) -> dict[str, int | None]:
        """The remembered id of each of ``texts`` (None when not known);
        ``removals`` is the counter as read in the caller's write transaction."""
        with self._lock:
            if removals != self._removals:
                self._ids.clear()
                self._removals = removals
            return self._answer(texts)

    def peek(self, texts: Iterable[str]) -> tuple[int | None, dict[str, int | None]]:
        """``lookup`` before the write transaction: the ids as of the counter
        value returned, which the writer checks inside its transaction."""
        with self._lock:
            return self._removals, self._answer(texts)

    def _answer(self, texts: Iterable[str]) -> dict[str, int | None]:
        # Under the lock. ``texts`` may repeat: the answer holds each once, in order.
        get = self._ids.get
        return {t: get(t) for t in texts}

    def publish(self, learned: LearnedIds | None) -> None:
        """Remember ``learned`` once its transaction has committed."""
        if learned is None or not learned.ids:
            return
        with self._lock:
            if learned.removals != self._removals:
                return  # texts were removed since: what it read may be stale
            if len(self._ids) + len(learned.ids) > self._max_entries:
                self._ids.clear()
            self._ids.update(learned.ids)
