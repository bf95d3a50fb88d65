"""GSR fiches: the structured fields read from each institution's fiche on the GSR site.

Why apart from the documents: a fiche's text is a document like any page, but its fields
(contacts, communes, categories) are kept as the ``GsrFiche`` JSON, one row per institution,
so that what the GSR says about an institution is read back without parsing its page again.
"""

from __future__ import annotations

from datetime import datetime

from ingest.store.database import StoreDatabase

__all__ = ["Fiches"]


class Fiches(StoreDatabase):
    """The ``gsr_fiches`` table: institution id → the last fiche read for it."""

    def put_fiche(
        self, institution_id: str, url: str, record_json: str, fetched_at: datetime
    ) -> None:
        """Keep the structured fields read from a GSR fiche (JSON of ``GsrFiche``)."""
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO gsr_fiches (institution_id, url, record, fetched_at) VALUES (?,?,?,?) "
                "ON CONFLICT(institution_id) DO UPDATE SET url = excluded.url, "
                "record = excluded.record, fetched_at = excluded.fetched_at",
                (institution_id, url, record_json, fetched_at.isoformat()),
            )

    def fiches(self) -> dict[str, str]:
        """Institution id → JSON of the last fiche read for it."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT institution_id, record FROM gsr_fiches ORDER BY institution_id"
            ).fetchall()
        return {r["institution_id"]: r["record"] for r in rows}
