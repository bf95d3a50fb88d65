"""Schema versions of the SQLite files: forward migrations at open, newer files refused.

The mechanism (permanence.sqlite_schema) on a toy schema first, then each database the project
keeps: an unversioned file of the layout from before versions keeps its rows, and a file newer
than the code is refused with a message that names it (documents.db: tests/ingest).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from assistant_api.analytics.store import ANALYTICS_SCHEMA, AnalyticsStore
from index.vector_cache import VECTOR_CACHE_SCHEMA, VectorCache
from ingest.store import DOCUMENTS_SCHEMA, DocumentStore
from permanence.sqlite_schema import Schema, SchemaError, connect

pytestmark = pytest.mark.unit

TOY = Schema(
    steps=(
        "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);",
        "ALTER TABLE notes ADD COLUMN lang TEXT NOT NULL DEFAULT 'fr';\n"
        "CREATE INDEX notes_lang ON notes (lang);",
    )
)


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def test_a_new_file_gets_every_step(tmp_path: Path) -> None:
    conn = connect(tmp_path / "sub" / "toy.db", TOY, timeout=1)
    conn.execute("INSERT INTO notes (text) VALUES ('bonjour')")
    assert conn.execute("SELECT text, lang FROM notes").fetchall() == [("bonjour", "fr")]
    conn.commit()
    conn.close()
    assert user_version(tmp_path / "sub" / "toy.db") == 2


def test_an_unversioned_file_of_the_first_layout_is_migrated_with_its_rows(
    tmp_path: Path,
) -> None:
    path = tmp_path / "toy.db"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        old.execute("INSERT INTO notes (text) VALUES ('ancien')")
    conn = connect(path, TOY, timeout=1)
    assert conn.execute("SELECT text, lang FROM notes").fetchall() == [("ancien", "fr")]
    conn.close()
    assert user_version(path) == 2
    connect(path, TOY, timeout=1).close()  # a second open changes nothing
    assert user_version(path) == 2


def test_a_failing_step_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "toy.db"
    connect(path, Schema(steps=TOY.steps[:1]), timeout=1).close()
    broken = Schema(steps=(*TOY.steps, "CREATE TABLE extra (x);\nINSERT INTO missing VALUES (1);"))
    with pytest.raises(SchemaError, match="from schema version 2 to 3: no such table: missing"):
        connect(path, broken, timeout=1)
    assert user_version(path) == 1
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        columns = {r[1] for r in conn.execute("PRAGMA table_info(notes)")}
    assert tables == {"notes"} and "lang" not in columns  # step 2 rolled back with step 3


Opener = Callable[[Path], object]

DATABASES: dict[str, tuple[Schema, Opener]] = {
    "documents.db": (DOCUMENTS_SCHEMA, DocumentStore),
    "analytics.db": (ANALYTICS_SCHEMA, lambda p: AnalyticsStore(p, retention_days=30)),
    "vectors.db": (VECTOR_CACHE_SCHEMA, VectorCache),
}


@pytest.mark.parametrize("name", sorted(DATABASES))
def test_a_file_newer_than_the_code_is_refused(name: str, tmp_path: Path) -> None:
    schema, opener = DATABASES[name]
    path = tmp_path / name
    opener(path).close()  # type: ignore[attr-defined]
    assert user_version(path) == schema.version
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {schema.version + 3}")
    message = (
        f"{name} has schema version {schema.version + 3}, this Permanence reads up to "
        f"{schema.version}: upgrade Permanence"
    )
    with pytest.raises(SchemaError, match=message):
        opener(path)
    assert user_version(path) == schema.version + 3


#: analytics.db as written before schema versions (assistant_api/analytics/store.py, version 1).
OLD_ANALYTICS = """
CREATE TABLE answers (answer_id TEXT PRIMARY KEY, created_at TEXT NOT NULL,
    question TEXT NOT NULL, kind TEXT NOT NULL, language TEXT NOT NULL, commune TEXT,
    theme TEXT NOT NULL, confidence REAL NOT NULL, institutions TEXT NOT NULL);
CREATE INDEX answers_created ON answers(created_at);
CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, answer_id TEXT NOT NULL,
    created_at TEXT NOT NULL, rating TEXT NOT NULL, institution_id TEXT, comment TEXT);
CREATE INDEX feedback_answer ON feedback(answer_id);
CREATE INDEX feedback_created ON feedback(created_at);
INSERT INTO answers VALUES ('a1', '2999-01-01T00:00:00+00:00', 'loyer impayé', 'no_answer',
    'fr', 'Neuchâtel', 'logement', 0.1, 'csr');
INSERT INTO feedback (answer_id, created_at, rating, institution_id, comment)
    VALUES ('a1', '2999-01-01T00:00:00+00:00', 'not_helpful', NULL, 'rien trouvé');
"""


def test_an_unversioned_analytics_db_keeps_its_answers_and_feedback(tmp_path: Path) -> None:
    path = tmp_path / "analytics.db"
    with sqlite3.connect(path) as old:
        old.executescript(OLD_ANALYTICS)
    store = AnalyticsStore(path, retention_days=30)
    try:
        assert store.counts() == {"answers": 1, "feedback": 1}
        assert sorted(store.all_text()) == ["loyer impayé", "rien trouvé"]
    finally:
        store.close()
    assert user_version(path) == ANALYTICS_SCHEMA.version


def test_an_unversioned_vector_cache_keeps_its_vectors(tmp_path: Path) -> None:
    path = tmp_path / "vectors.db"
    vector = np.arange(4, dtype=np.float32)
    with sqlite3.connect(path) as old:
        old.execute(
            "CREATE TABLE vectors (model TEXT NOT NULL, text_hash TEXT NOT NULL, "
            "vector BLOB NOT NULL, PRIMARY KEY (model, text_hash))"
        )
        old.execute("INSERT INTO vectors VALUES ('use', 'h', ?)", (vector.tobytes(),))
    cache = VectorCache(path)
    try:
        assert np.array_equal(cache.get_many("use", ["h"])["h"], vector)
    finally:
        cache.close()
    assert user_version(path) == VECTOR_CACHE_SCHEMA.version
