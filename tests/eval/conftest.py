"""Data dirs of the eval tests, each indexed once per session.

The CLI opens its own runtime, and an embedded Qdrant shard can be open in one place only, so
the CLI tests get their own copy of the tiny corpus instead of the root conftest's (which the
session's live server holds open). The gate test indexes the real corpus (185 records) with
the dense models the floors were measured with, so floors and index always match.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from permanence.settings import PROJECT_ROOT
from tests.conftest import TINY_CORPUS


def _build(data_dir: Path, corpus_dir: Path, embed_models: list[str]) -> Path:
    from index import open_search_index
    from ingest import DocumentStore
    from ingest.corpus_sync import read_institutions, sync_corpus

    with DocumentStore(data_dir / "documents.db") as store:
        sync_corpus(store, read_institutions(corpus_dir))
        search_index = open_search_index(data_dir=data_dir, embed_models=embed_models)
        try:
            search_index.indexer.run(store.documents())
        finally:
            search_index.close()
    return data_dir


@pytest.fixture(scope="session")
def eval_tiny_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny corpus, ingested and indexed in a data dir of its own."""
    return _build(tmp_path_factory.mktemp("eval-tiny"), TINY_CORPUS, ["use"])


@pytest.fixture(scope="session")
def real_corpus_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real corpus (corpora/neuchatel), indexed with the models the floors were measured
    with (``eval/floors.json``: ``embed_models``); minutes on 2 cores."""
    from eval.gate import read_floors

    models = [m.strip() for m in read_floors().embed_models.split(",") if m.strip()]
    corpus = PROJECT_ROOT / "corpora" / "neuchatel"
    return _build(tmp_path_factory.mktemp("eval-real"), corpus, models or ["use"])
