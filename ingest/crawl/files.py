"""Sources of kind ``files``: PDFs, Word files, HTML and text on a disk or a share.

Same promises as the web crawl: an unchanged file (same bytes) is not extracted again, a file
that cannot be read keeps its stored version, and a file that disappeared is marked gone only
when the whole listing was read without error.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from ingest.crawl.config import SourceConfig
from ingest.crawl.documents import content_hash, document_kind
from ingest.crawl.report import CrawlReport
from ingest.crawl.session import OutcomeCallback
from ingest.crawl.store_thread import StoreThread
from ingest.errors import ExtractionError
from ingest.extract import Extractor, InstitutionLinker
from ingest.extract.extractor import MediaKind
from ingest.records import Document
from ingest.store import CrawlRun, DocumentStore, PageState

__all__ = ["FilesSession"]

logger = logging.getLogger(__name__)

_MEDIA_BY_SUFFIX: dict[str, MediaKind] = {
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".txt": "text",
    ".md": "text",
}


class FilesSession:
    """Read every supported file under the source's ``paths``.

    As in :class:`~ingest.crawl.session.SourceSession`, the store is called through
    ``store_thread``, off the event loop.
    """

    def __init__(
        self,
        source: SourceConfig,
        run: CrawlRun,
        *,
        store: DocumentStore,
        store_thread: StoreThread,
        extractor: Extractor,
        linker: InstitutionLinker | None,
        report: CrawlReport,
        on_outcome: OutcomeCallback | None = None,
    ) -> None:
        self._source = source
        self._run = run
        self._store = store
        self._off_loop = store_thread
        self._extractor = extractor
        self._linker = linker
        self._report = report
        self._on_outcome = on_outcome
        self.truncated = False
        self.had_errors = False

    def _files(self) -> Iterator[tuple[Path, bool]]:
        """Every file under the paths, in order, with ``False`` for a path that does not exist."""
        for root in self._source.paths:
            path = root.expanduser()
            if path.is_file():
                yield path, True
            elif path.is_dir():
                yield from ((p, True) for p in sorted(path.rglob("*")) if p.is_file())
            else:
                yield path, False

    async def _record(self, url: str, outcome: str, detail: str = "") -> None:
        entry = [(url, 0, None)]  # added and closed in one transaction
        await self._off_loop(self._store.frontier_done, self._run.id, url, outcome, detail, entry)
        self._report.add(url, outcome, detail)
        if outcome == "error":
            self.had_errors = True
        if self._on_outcome is not None:
            self._on_outcome(self._source.name, url, outcome)

    async def run(self) -> None:
        frontier = await self._off_loop(self._store.frontier, self._run.id)
        done = {e.url for e in frontier if e.state == "done"}
        count = 0
        for path, exists in self._files():
            if not exists:
                await self._record(path.as_posix(), "error", "path does not exist")
                continue
            media = _MEDIA_BY_SUFFIX.get(path.suffix.lower())
            url = path.resolve().as_uri()
            if url in done:
                continue
            if media is None:
                await self._record(
                    url, "unsupported", f"suffix {path.suffix or '(none)'} is not read"
                )
                continue
            if count >= self._source.max_pages:
                self.truncated = True
                break
            count += 1
            await self._one(path, url, media)

    async def _one(self, path: Path, url: str, media: MediaKind) -> None:
        try:
            body = path.read_bytes()
        except OSError as exc:
            await self._record(url, "error", f"cannot read: {exc}")
            return
        if len(body) > self._source.limits.max_bytes:
            await self._record(url, "too_large", f"{len(body)} bytes > max_bytes")
            return
        now = datetime.now(UTC)
        body_hash = hashlib.sha256(body).hexdigest()
        state = await self._off_loop(self._store.page_state, url)
        same_body = state is not None and state.body_hash == body_hash
        if same_body and await self._off_loop(self._store.has_document, url):
            await self._off_loop(
                self._store.refresh, url, fetched_at=now, etag=None, last_modified=None
            )
            await self._record(url, "unchanged", "same body hash")
            return
        try:
            extraction = await asyncio.to_thread(
                self._extractor.extract, body, media=media, url=url, charset=None
            )
        except ExtractionError as exc:
            await self._record(url, "error", str(exc))
            return
        if not extraction.text.strip():
            await self._record(url, "empty", "no text could be extracted")
            return
        document = Document(
            url=url,
            source_id=self._source.name,
            kind=document_kind(self._source),
            audience=self._source.effective_audience,
            title=extraction.title,
            text=extraction.text,
            language=extraction.language,
            institution_id=self._source.institution_id,
            content_hash=content_hash(extraction),
            fetched_at=now,
        )
        outcome = await self._off_loop(self._store.upsert, document)
        state = PageState(url, url, self._source.name, body_hash, None, None, (), now)
        await self._off_loop(self._store.save_page_state, state)
        await self._record(url, outcome.change, f"version {outcome.version}")
