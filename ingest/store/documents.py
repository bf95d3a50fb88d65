"""Documents: one row per version of a URL; what the index reads.

Why versions: a changed page gets a new row and its earlier version is kept, never rewritten
in place. The store never deletes a good version because a fetch failed: callers report
outcomes, and only :meth:`Documents.confirm_gone` (or two 404/410 strikes) turns a document
to ``gone``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from ingest.records import Audience, Document, DocumentKind
from ingest.store.database import StoreDatabase

__all__ = ["GONE_STRIKES_TO_CONFIRM", "Documents", "UpsertOutcome"]

#: How many confirmations of "gone" (404/410 on two crawls) before a page leaves the index.
GONE_STRIKES_TO_CONFIRM = 2


@dataclass(frozen=True, slots=True)
class UpsertOutcome:
    """What storing a fetched document did: ``new``, ``changed`` or ``unchanged``."""

    url: str
    change: Literal["new", "changed", "unchanged"]
    version: int


class Documents(StoreDatabase):
    """The ``documents`` table: versions, HTTP validators and "gone" strikes."""

    def upsert(self, document: Document) -> UpsertOutcome:
        """Store a fetched document; a new content hash makes a new version.

        An unchanged hash only refreshes ``fetched_at`` and the HTTP validators, and clears any
        "gone" strike: the page answered again.
        """
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT id, version, content_hash FROM documents WHERE url = ? AND is_current = 1",
                (document.url,),
            ).fetchone()
            if row is not None and row["content_hash"] == document.content_hash:
                conn.execute(
                    "UPDATE documents SET fetched_at = ?, etag = ?, last_modified = ?, "
                    "status = 'active', gone_strikes = 0 WHERE id = ?",
                    (
                        document.fetched_at.isoformat(),
                        document.etag,
                        document.last_modified,
                        row["id"],
                    ),
                )
                return UpsertOutcome(document.url, "unchanged", int(row["version"]))
            version = 1 if row is None else int(row["version"]) + 1
            if row is not None:
                conn.execute("UPDATE documents SET is_current = 0 WHERE id = ?", (row["id"],))
            conn.execute(
                "INSERT INTO documents (url, version, is_current, source_id, kind, audience, "
                "title, "
                "text, language, institution_id, categories, communes, content_hash, etag, "
                "last_modified, fetched_at, status) VALUES (?,?,1,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    document.url,
                    version,
                    document.source_id,
                    document.kind,
                    document.audience,
                    document.title,
                    document.text,
                    document.language,
                    document.institution_id,
                    json.dumps(document.categories),
                    json.dumps(document.communes),
                    document.content_hash,
                    document.etag,
                    document.last_modified,
                    document.fetched_at.isoformat(),
                    document.status,
                ),
            )
            return UpsertOutcome(document.url, "new" if row is None else "changed", version)

    def reapply_source(
        self, source_id: str, *, audience: Audience, institution_id: str | None
    ) -> int:
        """Give the current documents of ``source_id`` the audience (and institution) its
        configuration names now; returns how many rows changed.

        Why apart from :meth:`upsert`: a source corrected from public to professional keeps
        its pages byte for byte, so no fetch makes a new version — the correction must still
        hold at once, in place, for every page of the source (unchanged, 304 or not re-fetched).
        ``institution_id`` is applied only when the source names one; otherwise each page keeps
        the institution its fiche or domain linked it to.
        """
        with self._transaction() as conn:
            cursor = conn.execute(
                "UPDATE documents SET audience = ? WHERE source_id = ? AND is_current = 1 "
                "AND audience != ?",
                (audience, source_id, audience),
            )
            changed = cursor.rowcount
            if institution_id is not None:
                cursor = conn.execute(
                    "UPDATE documents SET institution_id = ? WHERE source_id = ? "
                    "AND is_current = 1 AND institution_id IS NOT ?",
                    (institution_id, source_id, institution_id),
                )
                changed += cursor.rowcount
            return int(changed)

    def touch(self, url: str, *, fetched_at: datetime | None = None) -> bool:
        """Record that ``url`` answered 304 Not Modified; returns whether it is known."""
        when = (fetched_at or datetime.now(UTC)).isoformat()
        with self._transaction() as conn:
            cursor = conn.execute(
                "UPDATE documents SET fetched_at = ?, status = 'active', gone_strikes = 0 "
                "WHERE url = ? AND is_current = 1",
                (when, url),
            )
            return cursor.rowcount > 0

    def record_gone_signal(self, url: str) -> bool:
        """Count one 404/410 for ``url``; returns True when that confirms it gone."""
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT id, gone_strikes FROM documents WHERE url = ? AND is_current = 1", (url,)
            ).fetchone()
            if row is None:
                return False
            strikes = int(row["gone_strikes"]) + 1
            status = "gone" if strikes >= GONE_STRIKES_TO_CONFIRM else "active"
            conn.execute(
                "UPDATE documents SET gone_strikes = ?, status = ? WHERE id = ?",
                (strikes, status, row["id"]),
            )
            return status == "gone"

    def confirm_gone(self, urls: Iterable[str]) -> int:
        """Mark documents gone outright (e.g. absent from a complete crawl); returns the count."""
        with self._transaction() as conn:
            count = 0
            for url in urls:
                cursor = conn.execute(
                    "UPDATE documents SET status = 'gone' WHERE url = ? AND is_current = 1 "
                    "AND status = 'active'",
                    (url,),
                )
                count += cursor.rowcount
            return count

    def get(self, url: str) -> Document | None:
        """The current version of ``url``, active or gone; ``None`` when never stored."""
        with self._lock:
            row = self._conn.execute(
                "SELECT * FROM documents WHERE url = ? AND is_current = 1", (url,)
            ).fetchone()
        return None if row is None else _row_to_document(row)

    def documents(
        self,
        *,
        status: Literal["active", "gone"] | None = "active",
        kind: DocumentKind | None = None,
        audience: Audience | None = None,
        source_id: str | None = None,
    ) -> list[Document]:
        """Current versions, filtered; ordered by URL so that callers are deterministic."""
        clauses = ["is_current = 1"]
        params: list[str] = []
        for column, value in (
            ("status", status),
            ("kind", kind),
            ("audience", audience),
            ("source_id", source_id),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        query = f"SELECT * FROM documents WHERE {' AND '.join(clauses)} ORDER BY url"
        with self._lock:
            rows = self._conn.execute(query, params).fetchall()
        return [_row_to_document(r) for r in rows]

    def urls(self, *, source_id: str) -> set[str]:
        """Active URLs of one source, for "absent from a complete crawl" checks."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT url FROM documents WHERE is_current = 1 AND status = 'active' "
                "AND source_id = ?",
                (source_id,),
            ).fetchall()
        return {r["url"] for r in rows}

    def has_document(self, url: str) -> bool:
        """Whether ``url`` has a current version (active or gone)."""
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM documents WHERE url = ? AND is_current = 1", (url,)
            ).fetchone()
        return row is not None

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """The ETag and Last-Modified of the current version, for a conditional GET."""
        with self._lock:
            row = self._conn.execute(
                "SELECT etag, last_modified FROM documents WHERE url = ? AND is_current = 1",
                (url,),
            ).fetchone()
        return (None, None) if row is None else (row["etag"], row["last_modified"])

    def count(self, *, status: Literal["active", "gone"] | None = "active") -> int:
        with self._lock:
            if status is None:
                row = self._conn.execute(
                    "SELECT COUNT(*) FROM documents WHERE is_current = 1"
                ).fetchone()
            else:
                row = self._conn.execute(
                    "SELECT COUNT(*) FROM documents WHERE is_current = 1 AND status = ?",
                    (status,),
                ).fetchone()
        return int(row[0])

    def refresh(
        self,
        url: str,
        *,
        fetched_at: datetime,
        etag: str | None,
        last_modified: str | None,
    ) -> bool:
        """Record that ``url`` answered with an unchanged body: new validators, no new version."""
        with self._transaction() as conn:
            cursor = conn.execute(
                "UPDATE documents SET fetched_at = ?, etag = ?, last_modified = ?, "
                "status = 'active', gone_strikes = 0 WHERE url = ? AND is_current = 1",
                (fetched_at.isoformat(), etag, last_modified, url),
            )
            return cursor.rowcount > 0


def _row_to_document(row: sqlite3.Row) -> Document:
    return Document(
        url=row["url"],
        source_id=row["source_id"],
        kind=row["kind"],
        audience=row["audience"],
        title=row["title"],
        text=row["text"],
        language=row["language"],
        institution_id=row["institution_id"],
        categories=json.loads(row["categories"]),
        communes=json.loads(row["communes"]),
        content_hash=row["content_hash"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        fetched_at=datetime.fromisoformat(row["fetched_at"]),
        status=row["status"],
    )
