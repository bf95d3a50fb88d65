"""Schema versions of the project's SQLite files: ``PRAGMA user_version`` and forward migrations.

Why: a data dir outlives the code that wrote it. Every SQLite file the project keeps
(``documents.db``, ``analytics.db``, ``cache/vectors.db``) records the version of its layout in
the header field SQLite reserves for applications, and on open the code brings an older file
forward one step at a time, all steps in one transaction: a crash or a failing step leaves the
file exactly as it was. A file newer than the code is refused with a message that says so,
instead of failing later on a missing column or, worse, writing rows an older layout does not
expect.

Version 0 is what SQLite reports for a file that never recorded one: an empty new file, or a
file written before versions existed. Each database's first step therefore creates its
version-1 layout with ``CREATE … IF NOT EXISTS``: a no-op on the old layout, which is then
simply stamped version 1, with all its rows kept.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from permanence.errors import PermanenceError

__all__ = ["Schema", "SchemaError", "connect", "migrate"]


class SchemaError(PermanenceError):
    """A SQLite file is newer than this code, or a migration step failed (nothing changed)."""


@dataclass(frozen=True, slots=True)
class Schema:
    """The layout history of one kind of database, oldest step first.

    ``steps[n]`` is the SQL script that takes a file from version ``n`` to ``n + 1`` (one
    statement per line at most). Steps are history: a released step is never edited; a change
    of layout is a new step at the end.
    """

    steps: tuple[str, ...]

    @property
    def version(self) -> int:
        """The version this code writes and reads: the number of steps."""
        return len(self.steps)


def connect(path: Path | str, schema: Schema, *, timeout: float) -> sqlite3.Connection:
    """Open a project database in WAL mode, migrated to ``schema``; its folder is created.

    The connection may be shared by threads (``check_same_thread=False``): each store guards
    it with its own lock. ``":memory:"`` is allowed for tests.

    Args:
        path: The database file.
        schema: The steps of this kind of database.
        timeout: Seconds to wait for another process's write lock.

    Raises:
        SchemaError: the file is newer than ``schema``, or a step failed.
        sqlite3.DatabaseError: the file cannot be opened or is not a database.
    """
    name = str(path)
    if name != ":memory:":
        Path(name).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(name, timeout=timeout, check_same_thread=False)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        migrate(conn, schema, name=name)
    except BaseException:
        conn.close()
        raise
    return conn


def migrate(conn: sqlite3.Connection, schema: Schema, *, name: str) -> int:
    """Bring the file behind ``conn`` to ``schema.version``; returns the version it had.

    Call it right after opening, outside any transaction. Several processes may open the same
    new file at once: the write lock is taken before the version is read again, so each step
    runs once.

    Args:
        conn: An open connection, in Python's default (legacy) transaction mode.
        schema: The steps of this kind of database.
        name: How messages name the file (its path).

    Raises:
        SchemaError: the file is newer than ``schema``, or a step failed (rolled back).
    """
    found = _version_of(conn, schema, name=name)
    if found == schema.version:
        return found
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = _version_of(conn, schema, name=name)
        for step in range(found, schema.version):
            try:
                for statement in _statements(schema.steps[step]):
                    conn.execute(statement)
            except sqlite3.DatabaseError as exc:
                raise SchemaError(
                    f"cannot migrate {name} from schema version {step} to {step + 1}: {exc}"
                ) from exc
        conn.execute(f"PRAGMA user_version = {schema.version:d}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # a failed COMMIT may have ended it already
            conn.execute("ROLLBACK")
        raise
    return found


def _version_of(conn: sqlite3.Connection, schema: Schema, *, name: str) -> int:
    found = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if found > schema.version:
        raise SchemaError(
            f"{name} has schema version {found}, this Permanence reads up to "
            f"{schema.version}: upgrade Permanence"
        )
    return found


def _statements(script: str) -> list[str]:
    """Split a script into statements: ``executescript`` would commit the open transaction."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return statements
