"""The crawl ledger: what each fetched URL looked like, and the runs and frontier of each crawl.

Why in the store: a page state lets a re-crawl skip an unchanged body, and a frontier kept in
the same file as the documents lets a crash lose at most the pages being fetched at that
moment — the next run finds the unfinished run and continues. The async crawler calls these
methods from a worker thread (:mod:`ingest.crawl.store_thread`), never from its event loop.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from ingest.errors import StoreError
from ingest.store.database import StoreDatabase

__all__ = ["CrawlLedger", "CrawlRun", "FrontierEntry", "PageState"]


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


class CrawlLedger(StoreDatabase):
    """The ``page_state``, ``crawl_runs`` and ``crawl_frontier`` tables."""

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
