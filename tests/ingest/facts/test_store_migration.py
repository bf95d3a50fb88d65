"""documents.db from before the fact tables (version 2) opens as version 3, rows kept."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.store import DOCUMENTS_SCHEMA, DocumentStore, ProposalDraft
from permanence.sqlite_schema import Schema, SchemaError, migrate

pytestmark = pytest.mark.integration

T0 = "2026-11-22T06:00:00+00:00"


def _version_2_file(path: Path) -> None:
    """A file written by the code of version 2: its real steps, and one document."""
    conn = sqlite3.connect(path)
    try:
        migrate(conn, Schema(steps=DOCUMENTS_SCHEMA.steps[:2]), name=str(path))
        conn.execute(
            "INSERT INTO documents (url, version, source_id, kind, audience, title, text, "
            "content_hash, fetched_at) VALUES ('https://a.ch/p', 1, 'web', 'web', 'public', "
            "'Page', 'Tél. 032 721 23 25', 'h', ?)",
            (T0,),
        )
        conn.commit()
    finally:
        conn.close()


def _version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def test_a_version_2_store_gains_the_fact_tables(tmp_path: Path) -> None:
    path = tmp_path / "documents.db"
    _version_2_file(path)
    assert _version(path) == 2
    with DocumentStore(path) as store:
        assert [d.text for d in store.documents()] == ["Tél. 032 721 23 25"]
        assert store.page_facts() == {}
        assert store.proposals() == []
        store.put_page_facts("https://a.ch/p", "[]", page_date=None, extracted_at=datetime.now(UTC))
        draft = ProposalDraft(
            institution_id="x",
            field="phone",
            value_key="+41 32 721 23 25",
            value="+41 32 721 23 25",
            current_value=None,
            status="new",
            source_url="https://a.ch/p",
        )
        assert store.sync_proposals([draft], institution_ids=["x"]).added == 1
    assert _version(path) == DOCUMENTS_SCHEMA.version == 3
    with DocumentStore(path) as store:  # reopening a version-3 file changes nothing
        assert [p.value for p in store.proposals()] == ["+41 32 721 23 25"]
        assert store.page_facts() == {"https://a.ch/p": ("[]", None)}


def test_a_failed_step_leaves_the_version_2_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "documents.db"
    _version_2_file(path)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE page_facts (url TEXT)")  # in the way of step 3
    with pytest.raises(SchemaError, match="from schema version 2 to 3"):
        DocumentStore(path)
    assert _version(path) == 2
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "fact_proposals" not in tables
