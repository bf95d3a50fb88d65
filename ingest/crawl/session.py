"""One run over one web-like source (``gsr``, ``web``, ``intranet``): frontier, workers, outcomes.

The frontier lives in the store, so a crash loses at most the pages being fetched at that
moment: the next run finds the unfinished run, reloads what was done and what was pending, and
continues. Every URL ends with exactly one outcome in the report; only successful extractions
write documents, and nothing here ever deletes one.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ingest.crawl.config import SourceConfig
from ingest.crawl.discovery import discover_from_sitemaps
from ingest.crawl.documents import page_document, page_facts_json
from ingest.crawl.fetcher import Fetcher, FetchResult
from ingest.crawl.redirects import fetch_following
from ingest.crawl.report import CrawlReport
from ingest.crawl.robots import RobotsCache
from ingest.crawl.sitemaps import parse_lastmod
from ingest.crawl.store_thread import StoreThread
from ingest.crawl.urls import absolutize, in_scope
from ingest.errors import ExtractionError, FetchError
from ingest.extract import Extraction, Extractor, InstitutionLinker
from ingest.store import CrawlRun, DocumentStore, PageState

__all__ = ["OutcomeCallback", "SourceSession"]

logger = logging.getLogger(__name__)

OutcomeCallback = Callable[[str, str, str], None]


@dataclass(frozen=True, slots=True)
class _Item:
    url: str
    depth: int
    lastmod: str | None


#: How long a sitemap's ``lastmod`` is trusted on its own: sites forget to update it, so a
#: page skipped this long is revalidated anyway (one conditional request).
SITEMAP_TRUST = timedelta(days=7)


def _entry(item: _Item) -> tuple[str, int, str | None]:
    return (item.url, item.depth, item.lastmod)


class SourceSession:
    """Crawl one source within one run.

    Args:
        source: What to crawl.
        run: The run (new or resumed) from :meth:`DocumentStore.start_run`.
        store: Where documents, page states and the frontier live.
        store_thread: Runs the store calls, off the event loop.
        fetcher: The polite fetcher bound to the source's client.
        robots: ``None`` when the source does not respect robots.txt (own intranets only).
        extractor: Counts extractions; shared so callers can assert on it.
        linker: Links documents to institutions by domain.
        report: Receives one outcome per URL.
        on_outcome: Progress callback ``(source, url, outcome)``.
    """

    def __init__(
        self,
        source: SourceConfig,
        run: CrawlRun,
        *,
        store: DocumentStore,
        store_thread: StoreThread,
        fetcher: Fetcher,
        robots: RobotsCache | None,
        extractor: Extractor,
        linker: InstitutionLinker | None,
        report: CrawlReport,
        on_outcome: OutcomeCallback | None = None,
    ) -> None:
        self._source = source
        self._run = run
        self._store = store
        self._off_loop = store_thread
        self._fetcher = fetcher
        self._robots = robots
        self._extractor = extractor
        self._linker = linker
        self._report = report
        self._on_outcome = on_outcome
        self._seen: set[str] = set()
        self._queue: asyncio.Queue[_Item] = asyncio.Queue()
        self._processed = 0
        self.truncated = False
        self.had_errors = False

    # -- frontier ----------------------------------------------------------------------------

    def _in_scope(self, url: str) -> bool:
        return in_scope(url, hosts=self._source.hosts, prefixes=self._source.allowed_prefixes)

    async def _enqueue(self, items: list[_Item]) -> None:
        unique: dict[str, _Item] = {}
        for item in items:  # a start URL may also be in the sitemap: keep its lastmod
            if item.url not in self._seen and (item.url not in unique or item.lastmod):
                unique[item.url] = item
        fresh = list(unique.values())
        if fresh:
            entries = self._claim(fresh)
            added = await self._off_loop(self._store.frontier_add, self._run.id, entries)
            self._queue_new(fresh, added)

    def _claim(self, fresh: list[_Item]) -> list[tuple[str, int, str | None]]:
        """Mark URLs seen before the store call: a worker running meanwhile must not take them
        for new (as a redirect target, say) while they are being added to the frontier."""
        self._seen.update(item.url for item in fresh)
        return [_entry(item) for item in fresh]

    def _queue_new(self, fresh: list[_Item], added: list[str]) -> None:
        new = set(added)
        for item in fresh:
            if item.url in new:
                new.discard(item.url)
                self._queue.put_nowait(item)

    async def _record(
        self,
        url: str,
        outcome: str,
        detail: str = "",
        *,
        follow: tuple[tuple[str, ...] | list[str], _Item] | None = None,
    ) -> None:
        """Close one URL; its links (``follow``) join the frontier in the same transaction."""
        fresh: list[_Item] = []
        if follow is not None:
            links, item = follow
            if item.depth < self._source.max_depth:
                fresh = [_Item(link, item.depth + 1, None) for link in links]
                fresh = [i for i in dict.fromkeys(fresh) if i.url not in self._seen]
        entries = self._claim(fresh)
        added = await self._off_loop(
            self._store.frontier_done, self._run.id, url, outcome, detail, entries
        )
        self._queue_new(fresh, added)
        self._report.add(url, outcome, detail)
        if outcome in ("error", "auth_error", "redirect_loop", "too_many_redirects"):
            self.had_errors = True
        if self._on_outcome is not None:
            self._on_outcome(self._source.name, url, outcome)

    async def _alias(self, url: str, depth: int, original: str) -> bool:
        """Register a redirect target or canonical URL; False when the run already has it."""
        if url in self._seen:
            return False
        self._seen.add(url)
        detail = f"reached from {original}"
        entry = [(url, depth, None)]  # added and closed in one transaction
        await self._off_loop(self._store.frontier_done, self._run.id, url, "alias", detail, entry)
        return True

    async def _seed(self) -> None:
        if self._run.resumed:
            for entry in await self._off_loop(self._store.frontier, self._run.id):
                self._seen.add(entry.url)
                if entry.state == "done":
                    if entry.outcome != "alias":
                        self._report.add(entry.url, entry.outcome or "error", entry.detail or "")
                        self._processed += 1
                else:
                    self._queue.put_nowait(_Item(entry.url, entry.depth, entry.lastmod))
            logger.info(
                "source %s: resuming run %d with %d URLs pending",
                self._source.name,
                self._run.id,
                self._queue.qsize(),
            )
            return
        seeds = [_Item(url, 0, None) for url in self._start_urls()]
        seeds += await self._sitemap_items()
        await self._enqueue(seeds)

    def _start_urls(self) -> list[str]:
        urls = []
        for url in self._source.start_urls:
            normal = absolutize(url, url)
            if normal is not None:
                urls.append(normal)
        return urls

    async def _sitemap_items(self) -> list[_Item]:
        found = await discover_from_sitemaps(
            self._fetcher, self._source.sitemaps, in_scope=self._in_scope
        )
        for sitemap_url, why in found.failures:
            self._report.add(sitemap_url, "error", why)
            self.had_errors = True
        return [
            _Item(e.url, 0, e.lastmod.isoformat() if e.lastmod else None) for e in found.entries
        ]

    # -- run ----------------------------------------------------------------------------------

    async def run(self) -> None:
        """Crawl until the frontier is empty or ``max_pages`` is reached."""
        await self._seed()
        workers = max(1, min(8, self._source.rate.concurrency * max(1, len(self._source.hosts))))
        tasks = [asyncio.create_task(self._worker()) for _ in range(workers)]
        try:
            await self._queue.join()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _worker(self) -> None:
        while True:
            item = await self._queue.get()
            try:
                if self._processed >= self._source.max_pages:
                    self.truncated = True
                    continue
                self._processed += 1
                await self._process(item)
            except Exception as exc:
                logger.exception("source %s: unexpected failure on %s", self._source.name, item.url)
                await self._record(item.url, "error", f"unexpected {type(exc).__name__}: {exc}")
            finally:
                self._queue.task_done()

    async def _process(self, item: _Item) -> None:
        url = item.url
        state = await self._off_loop(self._store.page_state, url)
        if item.lastmod and state is not None and await self._has_document(state.doc_url):
            lastmod = parse_lastmod(item.lastmod)
            fresh = datetime.now(UTC) - state.fetched_at < SITEMAP_TRUST
            if lastmod is not None and state.fetched_at >= lastmod and fresh:
                await self._record(
                    url, "unchanged_sitemap", f"lastmod {item.lastmod}", follow=(state.links, item)
                )
                return
        try:
            followed = await fetch_following(
                url,
                source=self._source,
                fetcher=self._fetcher,
                robots=self._robots,
                in_scope=self._in_scope,
                validators=self._validators,
            )
        except FetchError as exc:
            auth = self._source.kind == "intranet" and exc.status in (401, 403)
            await self._record(url, "auth_error" if auth else "error", str(exc))
            return
        final, result = followed.final, followed.result
        if result is None:
            await self._record(url, followed.outcome or "error", followed.detail)
            return
        if final != url and not await self._alias(final, item.depth, url):
            await self._record(url, "duplicate", f"redirects to {final}, already crawled")
            return
        await self._handle(url, final, result, item)

    async def _validators(self, url: str) -> tuple[str | None, str | None]:
        """Validators of the last good fetch, only while its document is still stored."""
        state = await self._off_loop(self._store.page_state, url)
        if state is not None and await self._has_document(state.doc_url):
            return state.etag, state.last_modified
        return None, None

    async def _has_document(self, url: str) -> bool:
        return await self._off_loop(self._store.has_document, url)

    async def _handle(self, url: str, final: str, result: FetchResult, item: _Item) -> None:
        state = await self._off_loop(self._store.page_state, final)
        now = datetime.now(UTC)
        detail = f"via {final}" if final != url else ""
        if result.outcome == "not_modified" and state is not None:
            await self._off_loop(
                self._store.refresh,
                state.doc_url,
                fetched_at=now,
                etag=result.etag or state.etag,
                last_modified=result.last_modified or state.last_modified,
            )
            await self._record(url, "not_modified", detail, follow=(state.links, item))
            return
        if result.outcome == "not_modified":
            await self._record(url, "error", "HTTP 304 to an unconditional request")
            return
        if result.outcome == "gone":
            doc_url = state.doc_url if state is not None else final
            if not await self._has_document(doc_url):
                await self._record(
                    url, "not_found", f"HTTP {result.status}; a broken link, nothing stored"
                )
                return
            confirmed = await self._off_loop(self._store.record_gone_signal, doc_url)
            await self._record(
                url,
                "gone" if confirmed else "gone_strike",
                f"HTTP {result.status}" + ("; confirmed gone" if confirmed else "; first strike"),
            )
            return
        if result.outcome in ("unsupported", "too_large"):
            await self._record(url, result.outcome, result.detail)
            return
        body_hash = hashlib.sha256(result.body).hexdigest()
        if state is not None and state.body_hash == body_hash:
            if state.doc_url and await self._has_document(state.doc_url):
                await self._off_loop(
                    self._store.refresh,
                    state.doc_url,
                    fetched_at=now,
                    etag=result.etag,
                    last_modified=result.last_modified,
                )
                if state.doc_url != final:
                    await self._alias(state.doc_url, item.depth, final)
                note = "same body hash" + (f"; {detail}" if detail else "")
            else:
                note = "same body hash; not stored (noindex, empty or duplicate)"
            if not state.doc_url or await self._has_document(state.doc_url):
                await self._save_state(
                    state.url, state.doc_url, body_hash, result, state.links, now
                )
                await self._record(url, "unchanged", note, follow=(state.links, item))
                return
        await self._extract_and_store(url, final, result, item, body_hash, now)

    async def _extract_and_store(
        self,
        url: str,
        final: str,
        result: FetchResult,
        item: _Item,
        body_hash: str,
        now: datetime,
    ) -> None:
        media = result.media
        if media not in ("html", "pdf", "docx", "text"):
            await self._record(url, "unsupported", f"media {media}")
            return
        try:
            extraction = await asyncio.to_thread(
                self._extractor.extract,
                result.body,
                media=media,
                url=result.url,
                charset=result.charset,
            )
        except ExtractionError as exc:
            await self._record(url, "error", str(exc))
            return
        links = [] if extraction.nofollow else self._scoped_links(extraction)
        doc_url = final
        if extraction.canonical:
            canonical = absolutize(final, extraction.canonical)
            if canonical and canonical != final and self._in_scope(canonical):
                if not await self._alias(canonical, item.depth, final):
                    await self._save_state(final, "", body_hash, result, links, now)
                    await self._record(
                        url,
                        "duplicate",
                        f"canonical {canonical} already crawled",
                        follow=(links, item),
                    )
                    return
                doc_url = canonical
        if extraction.refresh is not None:
            await self._save_state(final, "", body_hash, result, links, now)
            detail = f"meta refresh to {extraction.refresh}"
            await self._record(url, "duplicate", detail, follow=(links, item))
            return
        if extraction.noindex or not extraction.text.strip():
            await self._save_state(final, "", body_hash, result, links, now)
        if extraction.noindex:
            await self._record(
                url, "noindex", "the page asks not to be indexed", follow=(links, item)
            )
            return
        if not extraction.text.strip():
            await self._record(url, "empty", "no text could be extracted", follow=(links, item))
            return
        document = page_document(
            self._source, doc_url, extraction, result, linker=self._linker, now=now
        )
        outcome = await self._off_loop(self._store.upsert, document)
        if extraction.fiche is not None:
            fiche = extraction.fiche
            record = fiche.model_dump_json()
            await self._off_loop(self._store.put_fiche, fiche.institution_id, doc_url, record, now)
        if media == "html":  # other media: `permanence facts` reads the stored text instead
            facts = await asyncio.to_thread(page_facts_json, result, extraction, doc_url)
            await self._off_loop(
                self._store.put_page_facts,
                doc_url,
                facts,
                page_date=extraction.date,
                extracted_at=now,
            )
        await self._save_state(final, doc_url, body_hash, result, links, now)
        detail = f"version {outcome.version}" + (f"; stored as {doc_url}" if doc_url != url else "")
        await self._record(url, outcome.change, detail, follow=(links, item))

    def _scoped_links(self, extraction: Extraction) -> list[str]:
        links: list[str] = []
        for link in extraction.links:
            normal = absolutize(link, link)
            if normal is not None and self._in_scope(normal) and normal not in links:
                links.append(normal)
        return links

    async def _save_state(
        self,
        url: str,
        doc_url: str,
        body_hash: str,
        result: FetchResult,
        links: tuple[str, ...] | list[str],
        now: datetime,
    ) -> None:
        await self._off_loop(
            self._store.save_page_state,
            PageState(
                url=url,
                doc_url=doc_url,
                source_id=self._source.name,
                body_hash=body_hash,
                etag=result.etag,
                last_modified=result.last_modified,
                links=tuple(links),
                fetched_at=now,
            ),
        )
