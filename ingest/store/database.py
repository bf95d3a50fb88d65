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

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from ingest.errors import StoreError
from ingest.store.schema import DOCUMENTS_SCHEMA
from permanence.sqlite_schema import connect

__all__ = ["BUSY_TIMEOUT_S", "StoreDatabase"]

#: Seconds a write waits for another process's write before failing.
BUSY_TIMEOUT_S = 30.0


class StoreDatabase:
    """The connection shared by the parts of :class:`~ingest.store.DocumentStore`.

    Args:
        path: The database file; its folder is created. ``":memory:"`` is allowed for tests.

    Raises:
        StoreError: the file cannot be opened or is not a database.
        SchemaError: the file was written by a newer Permanence.
    """

    def __init__(self, path: Path | str) -> None:
        self._path = str(path)
        self._lock = threading.RLock()
        try:
            self._conn = connect(self._path, DOCUMENTS_SCHEMA, timeout=BUSY_TIMEOUT_S)
            self._conn.execute("PRAGMA synchronous=NORMAL")
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
        """A write transaction, taken at once (``IMMEDIATE``) so that it cannot deadlock."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
