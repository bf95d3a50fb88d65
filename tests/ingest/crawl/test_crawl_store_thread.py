"""The crawl calls the document store off its event loop, and a locked store does not stall it."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from ingest.crawl import Crawler, CrawlReport, SourceConfig
from ingest.extract import Extractor
from ingest.store import DocumentStore
from tests.ingest.crawl.conftest import FaultSite, fast_source

pytestmark = pytest.mark.integration


class ThreadRecorder:
    """Stands in for the store: forwards every call and notes the thread it came from."""

    def __init__(self, store: DocumentStore) -> None:
        self._store = store
        self.threads: dict[str, set[int]] = {}

    def __getattr__(self, name: str) -> object:
        attribute = getattr(self._store, name)
        if not callable(attribute):
            return attribute

        def call(*args: object, **kwargs: object) -> object:
            self.threads.setdefault(name, set()).add(threading.get_ident())
            return attribute(*args, **kwargs)

        return call


def crawl(store: object, source: SourceConfig, reports: Path) -> CrawlReport:
    crawler = Crawler(store, reports_dir=reports, extractor=Extractor(identify_language=False))  # type: ignore[arg-type]
    return asyncio.run(crawler.crawl(source))


def test_web_crawl_calls_the_store_from_another_thread_than_the_loop(
    fault_site: FaultSite, store: DocumentStore, tmp_path: Path
) -> None:
    recorder = ThreadRecorder(store)
    source = fast_source("clean", [fault_site.url("/clean/")], allowed_prefixes=["/clean"])
    for _ in range(2):  # first crawl: new pages; second: 304s and unchanged bodies
        report = crawl(recorder, source, tmp_path)
        assert report.complete is True
    loop_thread = threading.get_ident()  # asyncio.run runs the loop in this thread
    assert {"start_run", "page_state", "upsert", "frontier_done", "finish_run"} <= set(
        recorder.threads
    )
    on_loop = sorted(name for name, threads in recorder.threads.items() if loop_thread in threads)
    assert on_loop == []


def test_files_crawl_calls_the_store_from_another_thread_than_the_loop(
    store: DocumentStore, tmp_path: Path
) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    (folder / "horaires.txt").write_text("Horaires\n\nLundi 8 h – 12 h.\n", encoding="utf-8")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    recorder = ThreadRecorder(store)
    source = SourceConfig(name="share", kind="files", paths=[folder, tmp_path / "missing"])
    for _ in range(2):
        crawl(recorder, source, tmp_path / "reports")
    assert {"page_state", "upsert", "frontier_done", "refresh"} <= set(recorder.threads)
    assert all(threading.get_ident() not in threads for threads in recorder.threads.values())


async def _max_stall(work: Callable[[], Awaitable[None]], tick_s: float = 0.01) -> float:
    """Run ``work()`` while a heartbeat measures the longest gap of the loop."""
    longest = 0.0
    done = False

    async def heartbeat() -> None:
        nonlocal longest
        last = time.monotonic()
        while not done:
            await asyncio.sleep(tick_s)
            now = time.monotonic()
            longest = max(longest, now - last - tick_s)
            last = now

    beat = asyncio.create_task(heartbeat())
    await asyncio.sleep(0)  # the heartbeat starts before the work
    try:
        await work()
    finally:
        done = True
        await beat
    return longest


def test_a_store_locked_by_another_process_does_not_stall_the_loop(
    fault_site: FaultSite, tmp_path: Path
) -> None:
    """Another writer holds documents.db for 1.5 s: the crawl waits, the event loop does not."""
    path = tmp_path / "documents.db"
    DocumentStore(path).close()
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(1.5, other.execute, args=("COMMIT",)).start()
    source = fast_source("clean", [fault_site.url("/clean/")], allowed_prefixes=["/clean"])
    with DocumentStore(path) as store:
        crawler = Crawler(store, reports_dir=tmp_path, extractor=Extractor(identify_language=False))
        reports: list[CrawlReport] = []

        async def work() -> None:
            reports.append(await crawler.crawl(source))

        started = time.monotonic()
        stall = asyncio.run(_max_stall(work))
        elapsed = time.monotonic() - started
    other.close()
    assert reports[0].complete is True
    assert elapsed >= 1.4  # the crawl did wait for the other writer
    assert stall < 0.5, f"the event loop stalled {stall:.2f} s"
