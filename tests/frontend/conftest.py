"""Fixtures of the front-end tests: a data dir with one intranet document, the API, a browser.

The tiny corpus has no professional-audience document, so this data dir adds one (an internal
child-protection procedure) to check that the pro console hides it without a token and shows it,
marked internal, with one. Everything else is the tiny corpus, ingested and indexed for real.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from selenium.webdriver.remote.webdriver import WebDriver

from tests.frontend.browser import CHROMEDRIVER, CHROMIUM, BrowserFactory, chromium
from tests.frontend.embedding import EmbeddingSite
from tests.frontend.intranet import (
    INTRANET_TEXT,
    INTRANET_TITLE,
    INTRANET_URL,
    PRO_TOKEN,
)

TINY_CORPUS = Path(__file__).resolve().parents[1] / "resources" / "tiny_corpus"


@pytest.fixture(scope="session")
def frontend_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tiny corpus plus one professional-audience intranet document, ingested and indexed."""
    from index import open_search_index
    from ingest import Document, DocumentStore
    from ingest.corpus_sync import read_institutions, sync_corpus

    data_dir = tmp_path_factory.mktemp("frontend-data")
    intranet = Document(
        url=INTRANET_URL,
        source_id="intranet-test",
        kind="intranet",
        audience="professional",
        title=INTRANET_TITLE,
        text=INTRANET_TEXT,
        language="fr",
        institution_id="office-protection-enfant",
        categories=["enfance_famille"],
        content_hash=hashlib.sha256(INTRANET_TEXT.encode()).hexdigest(),
        fetched_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    with DocumentStore(data_dir / "documents.db") as store:
        sync_corpus(store, read_institutions(TINY_CORPUS))
        store.upsert(intranet)
        search_index = open_search_index(data_dir=data_dir, embed_models=["use"])
        try:
            search_index.indexer.run(store.documents())
        finally:
            search_index.close()
    return data_dir


@pytest.fixture(scope="session")
def embedding_site() -> Iterator[EmbeddingSite]:
    """The other origin, started first so that the API can list it in its CORS origins."""
    from permanence.testing.servers import run_uvicorn

    site = EmbeddingSite()
    with run_uvicorn(site.app()) as url:
        site.url = url
        yield site


@pytest.fixture(scope="session")
def frontend_server(frontend_data_dir: Path, embedding_site: EmbeddingSite) -> Iterator[str]:
    """The real API (front ends included) on 127.0.0.1; yields its base URL."""
    from pydantic import SecretStr

    from assistant_api.app import create_app
    from assistant_api.runtime import open_runtime
    from permanence.settings import Settings
    from permanence.testing.servers import run_uvicorn

    settings = Settings(
        data_dir=frontend_data_dir,
        corpus_dir=TINY_CORPUS,
        embed_models="use",
        pro_tokens=SecretStr(PRO_TOKEN),
        admin_token=SecretStr("admin-token-for-tests-0123456789"),
        cors_origins=embedding_site.url,
    )
    runtime = open_runtime(settings)
    try:
        with run_uvicorn(create_app(settings, runtime=runtime)) as base_url:
            embedding_site.api = base_url
            yield base_url
    finally:
        runtime.close()


@pytest.fixture
def browser(tmp_path: Path) -> BrowserFactory:
    """Open headless Chromium: ``with browser(languages="ar", width=360) as driver: ...``."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip(
            f"{CHROMIUM} or {CHROMEDRIVER} is missing: install Debian's chromium and "
            "chromium-driver (`make setup` does) to run the browser tests"
        )
    counter = iter(range(100))

    def open_browser(
        *,
        languages: str = "fr-CH,fr",
        width: int = 1280,
        height: int = 900,
        microphone: Path | None = None,
    ) -> AbstractContextManager[WebDriver]:
        profile = tmp_path / f"profile-{next(counter)}"
        return chromium(
            profile, languages=languages, width=width, height=height, microphone=microphone
        )

    return open_browser
