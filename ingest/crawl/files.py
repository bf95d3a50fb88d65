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
from ingest.crawl.report import CrawlReport
from ingest.crawl.session import OutcomeCallback, document_kind
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
    """Read every supported file under the source's ``paths``."""

    def __init__(
        self,
        source: SourceConfig,
        run: CrawlRun,
        *,
        store: DocumentStore,
        extractor: Extractor,
        linker: InstitutionLinker | None,
        report: CrawlReport,
        on_outcome: OutcomeCallback | None = None,
    ) -> None:
        self._source = source
        self._run = run
        self._store = store
        self._extractor = extractor
        self._linker = linker
        self._report = report
        self._on_outcome = on_outcome
        self.truncated = False
        self.had_errors = False

    def _files(self) -> Iterator[Path]:
        for root in self._source.paths:
            path = root.expanduser()
            if path.is_file():
                yield path
            elif path.is_dir():
                yield from sorted(p for p in path.rglob("*") if p.is_file())
            else:
                self._record(path.as_posix(), "error", "path does not exist")

    def _record(self, url: str, outcome: str, detail: str = "") -> None:
        self._store.frontier_add(self._run.id, [(url, 0, None)])
        self._store.frontier_done(self._run.id, url, outcome, detail)
        self._report.add(url, outcome, detail)
        if outcome == "error":
            self.had_errors = True
        if self._on_outcome is not None:
            self._on_outcome(self._source.name, url, outcome)

    async def run(self) -> None:
        done = {e.url for e in self._store.frontier(self._run.id) if e.state == "done"}
        count = 0
        for path in self._files():
            media = _MEDIA_BY_SUFFIX.get(path.suffix.lower())
            url = path.resolve().as_uri()
            if url in done:
                continue
            if media is None:
                self._record(url, "unsupported", f"suffix {path.suffix or '(none)'} is not read")
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
            self._record(url, "error", f"cannot read: {exc}")
            return
        if len(body) > self._source.limits.max_bytes:
            self._record(url, "too_large", f"{len(body)} bytes > max_bytes")
            return
        now = datetime.now(UTC)
        body_hash = hashlib.sha256(body).hexdigest()
        state = self._store.page_state(url)
        if state is not None and state.body_hash == body_hash and self._store.has_document(url):
            self._store.refresh(url, fetched_at=now, etag=None, last_modified=None)
            self._record(url, "unchanged", "same body hash")
            return
        try:
            extraction = await asyncio.to_thread(
                self._extractor.extract, body, media=media, url=url, charset=None
            )
        except ExtractionError as exc:
            self._record(url, "error", str(exc))
            return
        if not extraction.text.strip():
            self._record(url, "empty", "no text could be extracted")
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
            content_hash=hashlib.sha256(
                f"{extraction.title}\n{extraction.text}".encode()
            ).hexdigest(),
            fetched_at=now,
        )
        outcome = self._store.upsert(document)
        self._store.save_page_state(
            PageState(url, url, self._source.name, body_hash, None, None, (), now)
        )
        self._record(url, outcome.change, f"version {outcome.version}")
