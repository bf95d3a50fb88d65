"""The one SQLite connection of a document store: opening, schema migration, locking, transactions.

Why SQLite: one file under the data dir, transactional (a crash mid-crawl leaves the previous
state), safe for several processes with WAL, and readable by an operator with the sqlite3 tool.

Why one connection behind one lock: the parts of the store (documents, crawl ledger, fiches,
institutions, metadata) share it, and so may several threads — the crawl calls the store from
a worker thread, off its event loop, while the CLI reads from the main thread. The lock makes
each call, and each transaction, whole; other processes are kept apart by SQLite itself, and
one waits up to :data:`BUSY_TIMEOUT_S` for another's write.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from ingest.errors import StoreError, StoreFullError
from ingest.store.schema import DOCUMENTS_SCHEMA
from permanence.sqlite_schema import connect

__all__ = ["BUSY_TIMEOUT_S", "StoreDatabase", "is_disk_full"]

logger = logging.getLogger(__name__)

#: Seconds a write waits for another process's write before failing.
BUSY_TIMEOUT_S = 30.0


class StoreDatabase:
    """The connection shared by the parts of :class:`~ingest.store.DocumentStore`.

    Args:
        path: The database file; its folder is created. ``":memory:"`` is allowed for tests.
        max_pages: A cap on the file in SQLite pages; a write past it fails as on a full disk
            (:class:`StoreFullError`). ``None``: only the disk limits it.

    Raises:
        StoreError: the file cannot be opened or is not a database.
        SchemaError: the file was written by a newer Permanence.
    """

    def __init__(self, path: Path | str, *, max_pages: int | None = None) -> None:
        if max_pages is not None and max_pages < 1:
            raise ValueError(f"max_pages={max_pages} must be at least 1")
        self._path = str(path)
        self._lock = threading.RLock()
        try:
            self._conn = connect(self._path, DOCUMENTS_SCHEMA, timeout=BUSY_TIMEOUT_S)
            self._conn.execute("PRAGMA synchronous=NORMAL")
            if max_pages is not None:
                self._conn.execute(f"PRAGMA max_page_count = {int(max_pages)}")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open document store {self._path}: {exc}") from exc
        self._conn.row_factory = sqlite3.Row

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction, taken at once (``IMMEDIATE``) so that it cannot deadlock.

        Why the care on failure: on a full disk SQLite rolls the transaction back by itself,
        and a second ``ROLLBACK`` then fails with "cannot rollback - no transaction is
        active", which used to replace the real error. The rollback runs only while a
        transaction is open, its own failure never hides the first one, and SQLITE_FULL
        surfaces as :class:`StoreFullError`.

        Raises:
            StoreFullError: the disk or the file's size cap is full; nothing was written.
        """
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException as exc:
                if self._conn.in_transaction:
                    try:
                        self._conn.execute("ROLLBACK")
                    except sqlite3.Error as rollback_error:
                        logger.warning("rollback after a failed write failed: %s", rollback_error)
                if is_disk_full(exc):
                    raise StoreFullError(
                        f"document store {self._path} is full (disk or size cap); the write was "
                        "rolled back — free space and run the command again"
                    ) from exc
                raise


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's SQLITE_FULL (a full disk, or ``max_page_count`` reached)."""
    return (
        isinstance(exc, sqlite3.Error)
        and getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
    )
