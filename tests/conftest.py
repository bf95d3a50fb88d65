"""Shared fixtures: hermetic environment, a tiny corpus indexed for real, a live API server.

The tiny corpus (tests/resources/tiny_corpus) is a frozen copy of a few real records, so tests
do not move when the full corpus is edited. Everything is real: SQLite store, Qdrant Edge on
disk, the packaged multilingual model, uvicorn on 127.0.0.1.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from permanence.runtime import configure_process

configure_process()

RESOURCES = Path(__file__).parent / "resources"
TINY_CORPUS = RESOURCES / "tiny_corpus"
_PROXY_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
)


@pytest.fixture(autouse=True)
def _hermetic_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No PERMANENCE_* or proxy variable of the developer's shell leaks into a test."""
    for name in list(os.environ):
        if name.startswith("PERMANENCE_") or name in _PROXY_VARIABLES:
            monkeypatch.delenv(name, raising=False)
    from permanence.settings import get_settings

    get_settings.cache_clear()


@pytest.fixture(scope="session")
def tiny_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding the tiny corpus, ingested and indexed once per test session."""
    from index import open_search_index
    from ingest import DocumentStore
    from ingest.corpus_sync import read_institutions, sync_corpus

    data_dir = tmp_path_factory.mktemp("tiny-data")
    with DocumentStore(data_dir / "documents.db") as store:
        sync_corpus(store, read_institutions(TINY_CORPUS))
        search_index = open_search_index(data_dir=data_dir, embed_models=["use"])
        try:
            search_index.indexer.run(store.documents())
        finally:
            search_index.close()
    return data_dir


@pytest.fixture(scope="session")
def tiny_settings(tiny_data_dir: Path) -> object:
    """Settings pointing at the tiny data dir, with test tokens."""
    from permanence.settings import Settings, VoiceSettings

    return Settings(
        data_dir=tiny_data_dir,
        corpus_dir=TINY_CORPUS,
        embed_models="use",
        pro_tokens="pro-token-for-tests-0123456789",
        admin_token="admin-token-for-tests-0123456789",
        redactor="regex",
        voice=VoiceSettings(enabled=False),
    )


@pytest.fixture(scope="session")
def tiny_runtime(tiny_settings: object) -> Iterator[object]:
    """The assistant over the tiny corpus, models loaded once for the session."""
    from assistant_api.runtime import open_runtime

    runtime = open_runtime(tiny_settings)  # type: ignore[arg-type]
    yield runtime
    runtime.close()


@pytest.fixture(scope="session")
def live_server(tiny_settings: object, tiny_runtime: object) -> Iterator[str]:
    """The real API served by uvicorn on 127.0.0.1 (free port); yields its base URL."""
    from assistant_api.app import create_app
    from permanence.testing.servers import run_uvicorn

    app = create_app(tiny_settings, runtime=tiny_runtime)  # type: ignore[arg-type]
    with run_uvicorn(app) as base_url:
        yield base_url
