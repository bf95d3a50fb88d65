"""The crawl of one or several sources: runs, auth, sessions, gone detection and reports.

:class:`Crawler` owns what is common to every source kind: starting or resuming the run in the
store, logging in to intranets before anything is fetched, confirming pages gone after a
complete crawl, and writing the JSON report — also when the source failed, so that an operator
always finds out why.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import httpx

from ingest.crawl.auth import check_access, login
from ingest.crawl.client import build_client
from ingest.crawl.config import USER_AGENT, Credentials, FormAuthConfig, SourceConfig
from ingest.crawl.fetcher import Fetcher
from ingest.crawl.files import FilesSession
from ingest.crawl.politeness import Politeness
from ingest.crawl.report import CrawlReport
from ingest.crawl.robots import RobotsCache
from ingest.crawl.session import OutcomeCallback, SourceSession
from ingest.crawl.store_thread import StoreThread
from ingest.errors import IngestError
from ingest.extract import Extractor, InstitutionLinker
from ingest.store import CrawlRun, DocumentStore

__all__ = ["Crawler"]

logger = logging.getLogger(__name__)


class Crawler:
    """Crawl sources into a document store.

    Args:
        store: The document store (shared by concurrent crawls of other sources).
        reports_dir: Where the per-run JSON reports go (``data_dir/crawl-reports``).
        extractor: Shared so its ``extractions`` counter covers the whole crawl.
        linker: Links documents to institutions by website domain.
        env: Where credentials are read from; defaults to the process environment.
        transport: Injected in tests; ``None`` uses the network.
        user_agent: Sent with every request.
        on_outcome: Progress callback ``(source, url, outcome)``.
    """

    def __init__(
        self,
        store: DocumentStore,
        *,
        reports_dir: Path,
        extractor: Extractor | None = None,
        linker: InstitutionLinker | None = None,
        env: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        user_agent: str = USER_AGENT,
        on_outcome: OutcomeCallback | None = None,
    ) -> None:
        self._store = store
        self._reports_dir = reports_dir
        self.extractor = extractor or Extractor()
        self._linker = linker
        self._env = os.environ if env is None else env
        self._transport = transport
        self._user_agent = user_agent
        self._on_outcome = on_outcome
        self.requests = 0

    async def crawl(self, source: SourceConfig) -> CrawlReport:
        """Crawl one source; the report is written whatever happens.

        Every store call runs on a thread of this crawl (:class:`StoreThread`), so that a
        store waiting on another process's write never stalls the event loop.

        Raises:
            AuthError: the intranet refused the credentials (nothing was stored).
            SourceConfigError: a credential variable is missing.
            StoreError: the store cannot be written, or another process crawls this source.
        """
        credentials = source.credentials(self._env)
        with StoreThread() as store_thread:
            run = await store_thread(self._store.start_run, source.name)
            report = CrawlReport(source.name, run.id, run.started_at, resumed=run.resumed)
            # Pages this crawl will not rewrite (same hash, 304, sitemap-fresh) must still
            # follow a corrected audience or institution; applied before fetching, so a source
            # made professional is never public for the length of a crawl.
            report.reassigned = await store_thread(
                self._store.reapply_source,
                source.name,
                audience=source.effective_audience,
                institution_id=source.institution_id,
            )
            try:
                self.extractor.warm_up()
                complete = await self._run_session(source, run, report, store_thread, credentials)
                if complete:
                    report.gone_absent = await store_thread(self._confirm_absent, source, run)
            except IngestError as exc:  # AuthError included
                report.fatal = str(exc)
                await self._finish(store_thread, run.id, report, complete=False)
                raise
            await self._finish(store_thread, run.id, report, complete=complete)
        return report

    async def _run_session(
        self,
        source: SourceConfig,
        run: CrawlRun,
        report: CrawlReport,
        store_thread: StoreThread,
        credentials: Credentials | None,
    ) -> bool:
        """Crawl the source within ``run``; returns whether the crawl was complete."""
        if source.kind == "files":
            files = FilesSession(
                source,
                run,
                store=self._store,
                store_thread=store_thread,
                extractor=self.extractor,
                linker=self._linker,
                report=report,
                on_outcome=self._on_outcome,
            )
            await files.run()
            return not (files.truncated or files.had_errors)
        async with build_client(
            source, credentials, user_agent=self._user_agent, transport=self._transport
        ) as client:
            if source.auth is not None and credentials is not None:
                if isinstance(source.auth, FormAuthConfig):
                    await login(client, source, credentials)
                access_url = source.start_urls[0] if source.start_urls else source.sitemaps[0]
                await check_access(client, source, access_url)
            fetcher = Fetcher(
                client,
                politeness=Politeness(source.rate.concurrency, source.rate.delay_s),
                retry=source.retry,
                limits=source.limits,
            )
            robots = (
                RobotsCache(fetcher, ttl_s=source.robots.cache_ttl_s)
                if source.robots.respect
                else None
            )
            session = SourceSession(
                source,
                run,
                store=self._store,
                store_thread=store_thread,
                fetcher=fetcher,
                robots=robots,
                extractor=self.extractor,
                linker=self._linker,
                report=report,
                on_outcome=self._on_outcome,
            )
            try:
                await session.run()
            finally:
                self.requests += fetcher.requests
            return not (session.truncated or session.had_errors)

    def _confirm_absent(self, source: SourceConfig, run: CrawlRun) -> list[str]:
        """Mark gone the pages of ``source`` a complete run did not reach; returns their URLs."""
        reached = {entry.url for entry in self._store.frontier(run.id)}
        absent = sorted(self._store.urls(source_id=source.name) - reached)
        if absent:
            self._store.confirm_gone(absent)
            logger.info(
                "source %s: %d pages absent from a complete crawl marked gone",
                source.name,
                len(absent),
            )
        return absent

    async def _finish(
        self, store_thread: StoreThread, run_id: int, report: CrawlReport, *, complete: bool
    ) -> None:
        report.complete = complete
        report.finished_at = datetime.now(UTC)
        await store_thread(
            self._store.finish_run, run_id, complete=complete, summary=report.counts()
        )
        path = report.write(self._reports_dir)
        logger.info("source %s: crawl report written to %s", report.source_id, path)
