"""The document store: versions, gone confirmation, crawl bookkeeping, concurrent writers."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ingest.errors import StoreError
from ingest.records import Document
from ingest.store import DocumentStore, PageState

pytestmark = pytest.mark.unit

T0 = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)


def doc(
    url: str, text: str, *, source: str = "s", at: datetime = T0, etag: str | None = None
) -> Document:
    return Document(
        url=url,
        source_id=source,
        kind="web",
        title=f"Titre de {url}",
        text=text,
        content_hash=f"hash-{text}",
        etag=etag,
        fetched_at=at,
    )


@pytest.fixture
def store(tmp_path: Path) -> DocumentStore:
    return DocumentStore(tmp_path / "documents.db")


def test_new_changed_unchanged_versions(store: DocumentStore) -> None:
    assert store.upsert(doc("u", "v1")).change == "new"
    later = T0 + timedelta(hours=1)
    unchanged = store.upsert(doc("u", "v1", at=later, etag='"e1"'))
    assert (unchanged.change, unchanged.version) == ("unchanged", 1)
    current = store.get("u")
    assert current is not None
    assert (current.fetched_at, current.etag) == (later, '"e1"')
    changed = store.upsert(doc("u", "v2"))
    assert (changed.change, changed.version) == ("changed", 2)
    current = store.get("u")
    assert current is not None and current.text == "v2"
    assert store.count() == 1
    assert store.validators("u") == (None, None)


def test_gone_needs_two_strikes_and_a_new_answer_clears_them(store: DocumentStore) -> None:
    store.upsert(doc("u", "v1"))
    assert store.record_gone_signal("u") is False
    assert store.get("u").status == "active"  # type: ignore[union-attr]
    assert store.touch("u") is True  # the page answered again: strikes reset
    assert store.record_gone_signal("u") is False
    assert store.record_gone_signal("u") is True
    gone = store.get("u")
    assert gone is not None and (gone.status, gone.text) == ("gone", "v1")
    assert store.count() == 0 and store.count(status="gone") == 1
    assert store.record_gone_signal("never-stored") is False


def test_failed_fetch_paths_never_create_or_overwrite(store: DocumentStore) -> None:
    store.upsert(doc("u", "v1"))
    before = store.get("u")
    # What the crawler may call after a failure or a 304: none of it touches text or versions.
    assert store.touch("missing") is False
    assert store.refresh("missing", fetched_at=T0, etag=None, last_modified=None) is False
    assert store.get("missing") is None
    assert store.refresh("u", fetched_at=T0, etag='"x"', last_modified="Sun") is True
    after = store.get("u")
    assert after is not None and before is not None
    assert (after.text, after.content_hash) == (before.text, before.content_hash)
    assert store.validators("u") == ('"x"', "Sun")


def test_confirm_gone_for_absent_pages(store: DocumentStore) -> None:
    store.upsert(doc("a", "1"))
    store.upsert(doc("b", "2"))
    assert store.urls(source_id="s") == {"a", "b"}
    assert store.confirm_gone(["b", "unknown"]) == 1
    assert store.urls(source_id="s") == {"a"}


def test_page_state_round_trip(store: DocumentStore) -> None:
    state = PageState("u", "canon", "s", "abc", '"e"', "Sun", ("l1", "l2"), T0)
    store.save_page_state(state)
    assert store.page_state("u") == state
    assert store.page_state("other") is None
    assert store.has_document("canon") is False


def test_runs_resume_and_frontier(store: DocumentStore) -> None:
    run = store.start_run("s")
    assert run.resumed is False
    assert store.frontier_add(run.id, [("a", 0, None), ("b", 1, "2026-11-01")]) == ["a", "b"]
    assert store.frontier_done(run.id, "a", "new", "v1", [("b", 1, None), ("c", 1, None)]) == ["c"]
    again = store.start_run("s")  # same process: the unfinished run is resumed
    assert (again.id, again.resumed) == (run.id, True)
    entries = [(e.url, e.state, e.outcome) for e in store.frontier(run.id)]
    assert entries == [("a", "done", "new"), ("b", "pending", None), ("c", "pending", None)]
    store.finish_run(run.id, complete=True, summary={"fetched": 1})
    assert store.frontier(run.id) == []
    fresh = store.start_run("s")
    assert (fresh.id, fresh.resumed) == (run.id + 1, False)


def test_a_live_crawler_of_the_same_source_is_refused(store: DocumentStore, tmp_path: Path) -> None:
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        run = store.start_run("s")
        store._conn.execute("UPDATE crawl_runs SET pid = ? WHERE id = ?", (other.pid, run.id))
        store._conn.commit()
        with pytest.raises(StoreError, match=f"being crawled by process {other.pid}"):
            store.start_run("s")
    finally:
        other.kill()
        other.wait()
    assert store.start_run("s").resumed is True  # its owner died: resume


def _writer(path: str, source: str, count: int) -> None:
    with DocumentStore(path) as store:
        for i in range(count):
            store.upsert(doc(f"{source}/{i}", f"{source}-{i}-v1", source=source))
            store.upsert(doc(f"{source}/{i}", f"{source}-{i}-v2", source=source))
            store.frontier_add(1, [(f"{source}/{i}", 0, None)])


@pytest.mark.integration
def test_two_processes_write_concurrently(tmp_path: Path) -> None:
    path = str(tmp_path / "documents.db")
    DocumentStore(path).close()
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_writer, args=(path, name, 60)) for name in ("a", "b")]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=60)
    assert [w.exitcode for w in writers] == [0, 0]
    with DocumentStore(path) as store:
        assert store.count() == 120
        assert {d.text.rsplit("-", 1)[1] for d in store.documents()} == {"v2"}
        assert len(store.documents(source_id="a")) == 60
        rows = store._conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        assert rows == 240  # every version kept
        assert len(store.frontier(1)) == 120
    assert os.path.exists(path)
