"""Metadata: small facts about the store's content, such as the version of the loaded corpus.

Why a key-value table: a reader (the API's stats) asks "which corpus is loaded?" without
scanning the documents, and a new fact needs no new column.
"""

from __future__ import annotations

from ingest.store.database import StoreDatabase

__all__ = ["Metadata"]


class Metadata(StoreDatabase):
    """The ``meta`` table: text values by key."""

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row["value"])
