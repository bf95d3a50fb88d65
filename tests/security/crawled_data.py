"""A data dir made for real: the tiny corpus, a site crawled from 127.0.0.1, an index built.

The poisoned-page and audience tests need crawled documents next to the curated records, as in
production: the tiny corpus is synced, the site is crawled by the real crawler (pages linked to
institutions by the ids they declare), and the real indexer writes Qdrant Edge with USE.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from index import IndexReport, open_search_index
from ingest import DocumentStore
from ingest.corpus_sync import read_institutions, sync_corpus
from ingest.crawl import Crawler, CrawlReport, SourceConfig
from ingest.extract import Extractor, InstitutionLinker
from permanence.settings import Settings, VoiceSettings
from tests.conftest import TINY_CORPUS


def source_for(origin: str, *, name: str, audience: str | None = None) -> SourceConfig:
    """A web source over ``origin`` with test-sized delays."""
    config: dict[str, object] = {
        "name": name,
        "kind": "web",
        "start_urls": [origin + "/"],
        "rate": {"concurrency": 2, "delay_s": 0.0},
        "retry": {"max_retries": 1, "backoff_s": 0.01, "retry_after_cap_s": 1.0},
        "limits": {"timeout_s": 5.0, "total_timeout_s": 10.0},
    }
    if audience is not None:
        config["audience"] = audience
    return SourceConfig.model_validate(config)


def crawl(data_dir: Path, source: SourceConfig) -> CrawlReport:
    """Crawl ``source`` into the store of ``data_dir`` (the tiny corpus synced first)."""
    institutions = read_institutions(TINY_CORPUS)
    with DocumentStore(data_dir / "documents.db") as store:
        sync_corpus(store, institutions)
        crawler = Crawler(
            store,
            reports_dir=data_dir / "crawl-reports",
            extractor=Extractor(),
            linker=InstitutionLinker.from_institutions(institutions),
        )
        return asyncio.run(crawler.crawl(source))


def index(data_dir: Path) -> IndexReport:
    """``permanence index`` on ``data_dir``, in process (USE only, as the tiny index)."""
    with DocumentStore(data_dir / "documents.db") as store:
        search_index = open_search_index(data_dir=data_dir, embed_models=["use"])
        try:
            return search_index.indexer.run(store.documents(status="active"))
        finally:
            search_index.close()


def settings_of(data_dir: Path) -> Settings:
    """Settings of a server over ``data_dir`` (as the tiny settings, validated)."""
    return Settings.model_validate(
        {
            "data_dir": data_dir,
            "corpus_dir": TINY_CORPUS,
            "embed_models": "use",
            "pro_tokens": "pro-token-for-tests-0123456789",
            "admin_token": "admin-token-for-tests-0123456789",
            "redactor": "regex",
            "voice": VoiceSettings(enabled=False),
        }
    )
