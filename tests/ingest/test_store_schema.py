"""documents.db across schema versions: old files keep every row, newer files are refused.

The layout below is the one written before schema versions existed (ingest/store.py until
then), copied here on purpose: the test must keep reading that layout when the code moves on.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.corpus_sync import read_institutions
from ingest.store import DOCUMENTS_SCHEMA, DocumentStore
from permanence.sqlite_schema import SchemaError
from tests.conftest import TINY_CORPUS

pytestmark = pytest.mark.unit

#: documents.db before schema versions: what ``PRAGMA user_version`` 0 with tables means.
UNVERSIONED_LAYOUT = """
CREATE TABLE documents (
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
CREATE INDEX documents_current ON documents (is_current, status, kind, audience);
CREATE INDEX documents_source ON documents (source_id, is_current);
CREATE TABLE institutions (
    id TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE page_state (
    url TEXT PRIMARY KEY,
    doc_url TEXT NOT NULL,
    source_id TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    links TEXT NOT NULL DEFAULT '[]',
    fetched_at TEXT NOT NULL
);
CREATE TABLE crawl_runs (
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
CREATE INDEX crawl_runs_source ON crawl_runs (source_id, status);
CREATE TABLE crawl_frontier (
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
CREATE TABLE gsr_fiches (
    institution_id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    record TEXT NOT NULL,
    fetched_at TEXT NOT NULL
);
"""

T0 = "2026-11-22T06:00:00+00:00"
PAGE = "https://a.ch/p"


def _old_database(path: Path, *, version: int = 0) -> None:
    """A documents.db written by the code before versions, with one row in every table."""
    institution = read_institutions(TINY_CORPUS)[0]
    with sqlite3.connect(path) as conn:
        conn.executescript(UNVERSIONED_LAYOUT)
        conn.executemany(
            "INSERT INTO documents (url, version, is_current, source_id, kind, audience, title, "
            "text, content_hash, fetched_at, communes) "
            "VALUES (?, ?, ?, 'web', 'web', 'public', ?, ?, ?, ?, ?)",
            [
                (PAGE, 1, 0, "Avant", "v1", "h1", T0, "[]"),
                (PAGE, 2, 1, "Page", "v2", "h2", T0, '["Boudry"]'),
            ],
        )
        conn.execute(
            "INSERT INTO page_state VALUES (?, ?, 'web', 'b', '\"e\"', NULL, ?, ?)",
            (PAGE, PAGE, '["https://a.ch/q"]', T0),
        )
        conn.execute(
            "INSERT INTO crawl_runs (source_id, started_at, pid, hostname) "
            "VALUES ('web', ?, 1, 'elsewhere')",
            (T0,),
        )
        conn.executemany(
            "INSERT INTO crawl_frontier (run_id, url, seq, depth, state, outcome) "
            "VALUES (?,?,?,?,?,?)",
            [
                (1, PAGE, 1, 0, "done", "changed"),
                (1, "https://a.ch/q", 2, 1, "pending", None),
            ],
        )
        conn.execute(
            "INSERT INTO gsr_fiches VALUES ('csr-neuchatel', 'https://gsr/f', '{}', ?)", (T0,)
        )
        conn.execute(
            "INSERT INTO institutions VALUES (?, ?, ?)",
            (institution.id, institution.model_dump_json(), T0),
        )
        conn.execute("INSERT INTO meta VALUES ('corpus_version', 'abc123')")
        conn.execute(f"PRAGMA user_version = {version}")


def _user_version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


@pytest.mark.parametrize("version", [0, 1], ids=["unversioned", "version-1"])
def test_an_old_file_is_migrated_without_losing_a_row(tmp_path: Path, version: int) -> None:
    path = tmp_path / "documents.db"
    _old_database(path, version=version)
    with DocumentStore(path) as store:
        current = store.get(PAGE)
        assert current is not None
        assert (current.text, current.communes) == ("v2", ["Boudry"])
        assert store._conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 2
        state = store.page_state(PAGE)
        assert state is not None
        assert (state.body_hash, state.etag, state.links) == ("b", '"e"', ("https://a.ch/q",))
        assert state.fetched_at == datetime(2026, 11, 22, 6, tzinfo=UTC)
        frontier = [(e.url, e.state) for e in store.frontier(1)]
        assert frontier == [(PAGE, "done"), ("https://a.ch/q", "pending")]
        assert store.start_run("web").resumed is True  # its crawler was on another machine
        assert store.fiches() == {"csr-neuchatel": "{}"}
        assert store.institutions() == read_institutions(TINY_CORPUS)[:1]
        assert store.get_meta("corpus_version") == "abc123"
        indexes = {
            r[0] for r in store._conn.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
        assert "crawl_frontier_seq" in indexes  # version 2
        assert store.frontier_add(1, [("https://a.ch/r", 1, None)]) == ["https://a.ch/r"]
    assert _user_version(path) == DOCUMENTS_SCHEMA.version == 3


def test_a_new_store_records_the_current_version(tmp_path: Path) -> None:
    DocumentStore(tmp_path / "documents.db").close()
    assert _user_version(tmp_path / "documents.db") == DOCUMENTS_SCHEMA.version


def test_a_store_newer_than_the_code_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "documents.db"
    _old_database(path, version=5)
    with pytest.raises(SchemaError) as refused:
        DocumentStore(path)
    assert str(refused.value) == (
        f"{path} has schema version 5, this Permanence reads up to 3: upgrade Permanence"
    )
    assert _user_version(path) == 5
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 2
