"""The document store: one SQLite row per version of a URL, plus the curated institutions.

Why SQLite: one file under the data dir, transactional (a crash mid-crawl leaves the previous
state), safe for several processes with WAL, and readable by an operator with the sqlite3 tool.
The store never deletes a good version because a fetch failed: callers report outcomes, and
only :meth:`DocumentStore.confirm_gone` turns a document to ``gone``.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from ingest.errors import StoreError
from ingest.records import Audience, Document, DocumentKind, Institution

__all__ = ["CrawlRun", "DocumentStore", "FrontierEntry", "PageState", "UpsertOutcome"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    url TEXT NOT NULL,
    version INTEGER NOT NULL,
    is_current INTEGER NOT NULL DEFAULT 1,
    source_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    audience TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    language TEXT,
    institution_id TEXT,
    categories TEXT NOT NULL DEFAULT '[]',
    communes TEXT NOT NULL DEFAULT '[]',
    content_hash TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    fetched_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    gone_strikes INTEGER NOT NULL DEFAULT 0,
    UNIQUE (url, version)
);
CREATE INDEX IF NOT EXISTS documents_current ON documents (is_current, status, kind, audience);
CREATE INDEX IF NOT EXISTS documents_source ON documents (source_id, is_current);
CREATE TABLE IF NOT EXISTS institutions (
    id TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

#: Crawl bookkeeping: what each fetched URL looked like (to skip re-extraction), and the
#: frontier of each run (to resume after a crash). Kept apart from ``documents`` so that the
#: document contract stays what the index reads.
_CRAWL_SCHEMA = """
CREATE TABLE IF NOT EXISTS page_state (
    url TEXT PRIMARY KEY,
    doc_url TEXT NOT NULL,
    source_id TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    links TEXT NOT NULL DEFAULT '[]',
    fetched_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS crawl_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    pid INTEGER NOT NULL,
    hostname TEXT NOT NULL,
    complete INTEGER NOT NULL DEFAULT 0,
    summary TEXT
);
CREATE INDEX IF NOT EXISTS crawl_runs_source ON crawl_runs (source_id, status);
CREATE TABLE IF NOT EXISTS crawl_frontier (
    run_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    seq INTEGER NOT NULL,
    depth INTEGER NOT NULL,
    lastmod TEXT,
    state TEXT NOT NULL DEFAULT 'pending',
    outcome TEXT,
    detail TEXT,
    PRIMARY KEY (run_id, url)
);
CREATE TABLE IF NOT EXISTS gsr_fiches (
    institution_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    record TEXT NOT NULL,
    fetched_at TEXT NOT NULL
);
"""

#: How many confirmations of "gone" (404/410 on two crawls) before a page leaves the index.
GONE_STRIKES_TO_CONFIRM = 2


@dataclass(frozen=True, slots=True)
class UpsertOutcome:
    """What storing a fetched document did: ``new``, ``changed`` or ``unchanged``."""

    url: str
    change: Literal["new", "changed", "unchanged"]
    version: int


@dataclass(frozen=True, slots=True)
class PageState:
    """What a fetched URL looked like last time: lets a re-crawl skip unchanged bodies.

    ``url`` is the URL fetched (after redirects); ``doc_url`` is where its document is stored
    (the canonical URL when the page names one). ``links`` are the in-scope links found on it,
    so that a 304 or an unchanged body still lets the crawl continue past the page.
    """

    url: str
    doc_url: str
    source_id: str
    body_hash: str
    etag: str | None
    last_modified: str | None
    links: tuple[str, ...]
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class CrawlRun:
    """One crawl of one source; ``resumed`` when it continues a run that did not finish."""

    id: int
    source_id: str
    started_at: datetime
    resumed: bool


@dataclass(frozen=True, slots=True)
class FrontierEntry:
    """A URL a run has discovered, and what came of it once ``state`` is ``done``."""

    url: str
    depth: int
    lastmod: str | None
    state: Literal["pending", "done"]
    outcome: str | None
    detail: str | None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class DocumentStore:
    """Versioned documents and institution records in one SQLite file.

    Args:
        path: The database file; its folder is created. ``":memory:"`` is allowed for tests.
    """

    def __init__(self, path: Path | str) -> None:
        self._path = str(path)
        if self._path != ":memory:":
            Path(self._path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        try:
            self._conn = sqlite3.connect(self._path, timeout=30, check_same_thread=False)
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(_SCHEMA + _CRAWL_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open document store {self._path}: {exc}") from exc

    # -- life cycle -------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> DocumentStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    # -- documents --------------------------------------------------------------------------

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

    # -- crawl bookkeeping ------------------------------------------------------------------

    def page_state(self, url: str) -> PageState | None:
        """The last successful fetch of ``url``, or ``None`` when never fetched."""
        with self._lock:
            row = self._conn.execute("SELECT * FROM page_state WHERE url = ?", (url,)).fetchone()
        if row is None:
            return None
        return PageState(
            url=row["url"],
            doc_url=row["doc_url"],
            source_id=row["source_id"],
            body_hash=row["body_hash"],
            etag=row["etag"],
            last_modified=row["last_modified"],
            links=tuple(json.loads(row["links"])),
            fetched_at=datetime.fromisoformat(row["fetched_at"]),
        )

    def save_page_state(self, state: PageState) -> None:
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO page_state (url, doc_url, source_id, body_hash, etag, last_modified, "
                "links, fetched_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(url) DO UPDATE SET "
                "doc_url = excluded.doc_url, source_id = excluded.source_id, "
                "body_hash = excluded.body_hash, etag = excluded.etag, "
                "last_modified = excluded.last_modified, links = excluded.links, "
                "fetched_at = excluded.fetched_at",
                (
                    state.url,
                    state.doc_url,
                    state.source_id,
                    state.body_hash,
                    state.etag,
                    state.last_modified,
                    json.dumps(list(state.links)),
                    state.fetched_at.isoformat(),
                ),
            )

    def start_run(self, source_id: str) -> CrawlRun:
        """Begin a crawl of ``source_id``, or resume the one a crash left unfinished.

        Raises:
            StoreError: another live process on this machine is crawling the same source.
        """
        now = datetime.now(UTC)
        hostname = socket.gethostname()
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT id, started_at, pid, hostname FROM crawl_runs "
                "WHERE source_id = ? AND status = 'running' ORDER BY id DESC LIMIT 1",
                (source_id,),
            ).fetchone()
            if row is not None:
                pid = int(row["pid"])
                if row["hostname"] == hostname and pid != os.getpid() and _pid_alive(pid):
                    raise StoreError(
                        f"source {source_id!r} is being crawled by process {pid} (run "
                        f"{row['id']}); wait for it to finish or stop that process"
                    )
                conn.execute(
                    "UPDATE crawl_runs SET pid = ?, hostname = ? WHERE id = ?",
                    (os.getpid(), hostname, row["id"]),
                )
                return CrawlRun(
                    int(row["id"]), source_id, datetime.fromisoformat(row["started_at"]), True
                )
            cursor = conn.execute(
                "INSERT INTO crawl_runs (source_id, started_at, pid, hostname) VALUES (?,?,?,?)",
                (source_id, now.isoformat(), os.getpid(), hostname),
            )
            return CrawlRun(int(cursor.lastrowid or 0), source_id, now, False)

    def finish_run(self, run_id: int, *, complete: bool, summary: dict[str, int]) -> None:
        """Close a run and drop its frontier (the crawl report keeps the per-URL outcomes)."""
        with self._transaction() as conn:
            conn.execute(
                "UPDATE crawl_runs SET status = 'finished', finished_at = ?, complete = ?, "
                "summary = ? WHERE id = ?",
                (datetime.now(UTC).isoformat(), int(complete), json.dumps(summary), run_id),
            )
            conn.execute("DELETE FROM crawl_frontier WHERE run_id = ?", (run_id,))

    def frontier_add(
        self, run_id: int, entries: Iterable[tuple[str, int, str | None]]
    ) -> list[str]:
        """Add ``(url, depth, lastmod)`` entries not yet known to the run; returns the new URLs."""
        with self._transaction() as conn:
            return self._add_entries(conn, run_id, entries)

    @staticmethod
    def _add_entries(
        conn: sqlite3.Connection, run_id: int, entries: Iterable[tuple[str, int, str | None]]
    ) -> list[str]:
        added: list[str] = []
        row = conn.execute(
            "SELECT COALESCE(MAX(seq), 0) FROM crawl_frontier WHERE run_id = ?", (run_id,)
        ).fetchone()
        seq = int(row[0])
        for url, depth, lastmod in entries:
            seq += 1
            cursor = conn.execute(
                "INSERT OR IGNORE INTO crawl_frontier (run_id, url, seq, depth, lastmod) "
                "VALUES (?,?,?,?,?)",
                (run_id, url, seq, depth, lastmod),
            )
            if cursor.rowcount:
                added.append(url)
        return added

    def frontier_done(
        self,
        run_id: int,
        url: str,
        outcome: str,
        detail: str = "",
        discovered: Iterable[tuple[str, int, str | None]] = (),
    ) -> list[str]:
        """Record the outcome of one URL and the links it led to, in one transaction.

        One transaction matters: a crash between "done" and "its links are queued" would lose
        the rest of the site on resume. Returns the discovered URLs new to the run.
        """
        with self._transaction() as conn:
            added = self._add_entries(conn, run_id, discovered)
            conn.execute(
                "UPDATE crawl_frontier SET state = 'done', outcome = ?, detail = ? "
                "WHERE run_id = ? AND url = ?",
                (outcome, detail, run_id, url),
            )
        return added

    def frontier(self, run_id: int) -> list[FrontierEntry]:
        """Every URL of the run in discovery order."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM crawl_frontier WHERE run_id = ? ORDER BY seq", (run_id,)
            ).fetchall()
        return [
            FrontierEntry(
                url=r["url"],
                depth=int(r["depth"]),
                lastmod=r["lastmod"],
                state=r["state"],
                outcome=r["outcome"],
                detail=r["detail"],
            )
            for r in rows
        ]

    def runs(self, source_id: str) -> list[dict[str, object]]:
        """The runs of a source, newest first, for operators and tests."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, started_at, finished_at, status, complete, summary FROM crawl_runs "
                "WHERE source_id = ? ORDER BY id DESC",
                (source_id,),
            ).fetchall()
        return [dict(r) for r in rows]

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

    # -- institutions -----------------------------------------------------------------------

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

    # -- metadata ---------------------------------------------------------------------------

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
