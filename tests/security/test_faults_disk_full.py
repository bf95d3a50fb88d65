"""Disk full (issue 22): a failed write is reported, never accepted in silence.

A full disk is simulated with SQLite's ``max_page_count`` cap (filling a real filesystem needs
root): past it, SQLite fails exactly as on a full disk, with SQLITE_FULL. Found by the probe:
the document store's transaction wrapper replaced that error by "cannot rollback - no
transaction is active", and ``POST /v1/feedback`` answered 202 for feedback it dropped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from assistant_api.analytics.store import (
    AnalyticsStore,
    AnalyticsStoreFullError,
    FeedbackRecord,
)
from assistant_api.app import create_app
from assistant_api.runtime import AssistantRuntime
from ingest import Document, DocumentStore, StoreFullError
from permanence.settings import Settings
from permanence.testing.servers import run_uvicorn
from tests.assistant_api.conftest import settings_for

#: Pages of a freshly created store (schema and indexes) plus a few: room for a handful of
#: small writes, then full.
STORE_PAGES_HEADROOM = 3


def _document(n: int, text: str) -> Document:
    return Document(
        url=f"https://example.invalid/{n}",
        source_id="disk-full",
        kind="web",
        audience="public",
        title=f"page {n}",
        text=text,
        language="fr",
        content_hash=f"{n:064d}",
        fetched_at=datetime(2026, 12, 1, tzinfo=UTC),
    )


def _pages(path: Path) -> int:
    with DocumentStore(path) as store:
        store.upsert(_document(0, "petit"))
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA page_count").fetchone()[0])


def test_the_document_store_surfaces_sqlite_full_as_a_typed_error(tmp_path: Path) -> None:
    path = tmp_path / "documents.db"
    pages = _pages(path)
    with DocumentStore(path, max_pages=pages + STORE_PAGES_HEADROOM) as store:
        with pytest.raises(StoreFullError, match="full") as caught:
            for n in range(1, 200):
                store.upsert(_document(n, "texte " * 2000))
        cause = caught.value.__cause__
        assert "full" in str(cause) and "cannot rollback" not in str(cause)
        # The failed transaction was rolled back whole: the store still works and reads.
        stored = store.count()
        assert store.get(_document(0, "").url) is not None
    with DocumentStore(path) as reopened:
        assert reopened.count() == stored


def _feedback(n: int) -> FeedbackRecord:
    return FeedbackRecord(
        answer_id=f"answer-{n}",
        rating="helpful",
        institution_id=None,
        comment="merci " * 400,
        created_at=datetime.now(UTC),
    )


def test_the_analytics_store_reports_a_full_disk_and_recovers(tmp_path: Path) -> None:
    path = tmp_path / "analytics.db"
    AnalyticsStore(path, retention_days=30).close()
    with sqlite3.connect(path) as conn:
        pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    store = AnalyticsStore(path, retention_days=30, max_pages=pages + 2)
    try:
        with pytest.raises(AnalyticsStoreFullError):
            for n in range(100):
                store.add_feedback(_feedback(n))
        assert store.failure is not None and "disk full" in store.failure
        kept = store.counts()["feedback"]
        assert kept < 100
    finally:
        store.close()
    recovered = AnalyticsStore(path, retention_days=30)  # space freed: no cap
    try:
        recovered.add_feedback(_feedback(1000))
        assert recovered.failure is None
        assert recovered.counts()["feedback"] == kept + 1
    finally:
        recovered.close()


@pytest.fixture
def full_server(
    tmp_path: Path, tiny_settings: Settings, tiny_runtime: AssistantRuntime
) -> Iterator[str]:
    """The API with an ``analytics.db`` capped at its empty size plus one page."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    AnalyticsStore(data_dir / "analytics.db", retention_days=30).close()
    with sqlite3.connect(data_dir / "analytics.db") as conn:
        pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    settings = settings_for(tiny_settings, data_dir=data_dir, analytics_max_pages=pages + 1)
    app = create_app(settings, runtime=tiny_runtime)
    with run_uvicorn(app) as base_url:
        yield base_url


@pytest.mark.slow
def test_feedback_that_cannot_be_stored_is_refused_and_health_says_so(full_server: str) -> None:
    with httpx.Client(base_url=full_server, timeout=30.0) as client:
        assert client.get("/health").json()["components"]["analytics"] == "ok"
        statuses = []
        for _ in range(20):
            answer = client.post("/v1/ask", json={"question": "J'ai des dettes, qui m'aide ?"})
            assert answer.status_code == 200
            feedback = client.post(
                "/v1/feedback",
                json={
                    "answer_id": answer.json()["answer_id"],
                    "rating": "helpful",
                    "comment": "merci beaucoup " * 60,
                },
            )
            statuses.append(feedback.status_code)
            if feedback.status_code == 503:
                break
        assert statuses[-1] == 503, statuses
        assert set(statuses[:-1]) <= {202}
        health = client.get("/health").json()
    assert health["status"] == "degraded"
    assert health["components"]["analytics"].startswith("failing: disk full")
    assert any("analytics store" in reason for reason in health["reasons"])
