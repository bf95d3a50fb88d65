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
from ingest.crawl.config import USER_AGENT, FormAuthConfig, SourceConfig
from ingest.crawl.fetcher import Fetcher
from ingest.crawl.files import FilesSession
from ingest.crawl.politeness import Politeness
from ingest.crawl.report import CrawlReport
from ingest.crawl.robots import RobotsCache
from ingest.crawl.session import OutcomeCallback, SourceSession
from ingest.errors import AuthError, IngestError
from ingest.extract import Extractor, InstitutionLinker
from ingest.store import DocumentStore

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

        Raises:
            AuthError: the intranet refused the credentials (nothing was stored).
            SourceConfigError: a credential variable is missing.
            StoreError: the store cannot be written, or another process crawls this source.
        """
        credentials = source.credentials(self._env)
        run = self._store.start_run(source.name)
        report = CrawlReport(source.name, run.id, run.started_at, resumed=run.resumed)
        complete = False
        try:
            self.extractor.warm_up()
            if source.kind == "files":
                files = FilesSession(
                    source,
                    run,
                    store=self._store,
                    extractor=self.extractor,
                    linker=self._linker,
                    report=report,
                    on_outcome=self._on_outcome,
                )
                await files.run()
                complete = not (files.truncated or files.had_errors)
            else:
                async with build_client(
                    source, credentials, user_agent=self._user_agent, transport=self._transport
                ) as client:
                    if source.auth is not None and credentials is not None:
                        if isinstance(source.auth, FormAuthConfig):
                            await login(client, source, credentials)
                        access_url = (
                            source.start_urls[0] if source.start_urls else source.sitemaps[0]
                        )
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
                    complete = not (session.truncated or session.had_errors)
            if complete:
                reached = {entry.url for entry in self._store.frontier(run.id)}
                absent = sorted(self._store.urls(source_id=source.name) - reached)
                if absent:
                    self._store.confirm_gone(absent)
                    logger.info(
                        "source %s: %d pages absent from a complete crawl marked gone",
                        source.name,
                        len(absent),
                    )
                report.gone_absent = absent
        except AuthError as exc:
            report.fatal = str(exc)
            self._finish(run.id, report, complete=False)
            raise
        except IngestError as exc:
            report.fatal = str(exc)
            self._finish(run.id, report, complete=False)
            raise
        self._finish(run.id, report, complete=complete)
        return report

    def _finish(self, run_id: int, report: CrawlReport, *, complete: bool) -> None:
        report.complete = complete
        report.finished_at = datetime.now(UTC)
        self._store.finish_run(run_id, complete=complete, summary=report.counts())
        path = report.write(self._reports_dir)
        logger.info("source %s: crawl report written to %s", report.source_id, path)
