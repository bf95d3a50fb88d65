"""The document a crawled page or file becomes: its kind, institution, categories and hash.

Why apart from the sessions: the web session and the files session store the same contract,
and its content hash decides whether a fetch makes a new version, so both compute it here.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from ingest.crawl.config import SourceConfig
from ingest.crawl.fetcher import FetchResult
from ingest.extract import Extraction, InstitutionLinker, declared_charset, decode_body
from ingest.facts import extract_facts, facts_json
from ingest.records import CATEGORIES, Document, DocumentKind

__all__ = ["content_hash", "document_kind", "page_document", "page_facts_json"]

_DOCUMENT_KINDS: dict[str, DocumentKind] = {
    "gsr": "gsr",
    "web": "web",
    "intranet": "intranet",
    "files": "file",
}


def document_kind(source: SourceConfig) -> DocumentKind:
    """The ``Document.kind`` of pages from ``source`` (``files`` sources make ``file``)."""
    return _DOCUMENT_KINDS[source.kind]


def content_hash(extraction: Extraction) -> str:
    """What makes a new version: the extracted title and text, not the raw bytes."""
    return hashlib.sha256(f"{extraction.title}\n{extraction.text}".encode()).hexdigest()


def page_document(
    source: SourceConfig,
    url: str,
    extraction: Extraction,
    result: FetchResult,
    *,
    linker: InstitutionLinker | None,
    now: datetime,
) -> Document:
    """The document of a fetched page, linked to the institution its fiche, source or site names."""
    fiche = extraction.fiche
    institution_id = (
        (fiche.institution_id if fiche is not None else None)
        or source.institution_id
        or (linker.link(url, extraction.declared_institutions) if linker is not None else None)
    )
    categories = [c for c in (fiche.categories if fiche is not None else []) if c in CATEGORIES]
    return Document(
        url=url,
        source_id=source.name,
        kind=document_kind(source),
        audience=source.effective_audience,
        title=extraction.title,
        text=extraction.text,
        language=extraction.language,
        institution_id=institution_id,
        categories=categories,
        communes=list(extraction.communes),
        content_hash=content_hash(extraction),
        etag=result.etag,
        last_modified=result.last_modified,
        fetched_at=now,
    )


def page_facts_json(result: FetchResult, extraction: Extraction, url: str) -> str:
    """The contact facts of a fetched HTML page, read from its whole HTML (not the main text,
    which has lost the footer, the ``tel:`` links and the JSON-LD), as the store keeps them."""
    html, _ = decode_body(result.body, declared_charset(result.body, result.charset))
    facts = extract_facts(html, url, page_date=extraction.date, language=extraction.language)
    return facts_json(facts)
