"""Institutions: the curated records, as the corpus sync last loaded them.

Why in the store: the API reads its institutions from the same file as the documents that
cite them, so both come from one ingest; the curated records (``corpora/neuchatel/``) are
replaced as a whole at each ``permanence ingest``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from ingest.records import Institution
from ingest.store.database import StoreDatabase

__all__ = ["Institutions"]


class Institutions(StoreDatabase):
    """The ``institutions`` table: one JSON record per institution id."""

    def put_institutions(self, institutions: Iterable[Institution]) -> int:
        """Replace the institution table with ``institutions``; returns how many were stored."""
        now = datetime.now(UTC).isoformat()
        with self._transaction() as conn:
            conn.execute("DELETE FROM institutions")
            rows = [(i.id, i.model_dump_json(), now) for i in institutions]
            conn.executemany(
                "INSERT INTO institutions (id, record, updated_at) VALUES (?,?,?)", rows
            )
            return len(rows)

    def institutions(self) -> list[Institution]:
        with self._lock:
            rows = self._conn.execute("SELECT record FROM institutions ORDER BY id").fetchall()
        return [Institution.model_validate_json(r["record"]) for r in rows]
