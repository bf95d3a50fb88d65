"""Assemble the index components from settings: one place that knows which backend and models."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from index.backends import EdgeIndex, ServerIndex, VectorIndex
from index.chunker import Chunker
from index.embedders import Embedder, build_embedder
from index.glossary import Glossary
from index.indexer import Indexer
from index.retriever import HybridRetriever
from index.sparse import BM25Encoder
from index.vector_cache import CachedEmbedder, VectorCache
from ingest import CATEGORY_LABELS

__all__ = ["SearchIndex", "edge_index_path", "open_search_index"]


@dataclass
class SearchIndex:
    """The opened vector index with the components that read and write it."""

    backend: VectorIndex
    embedders: list[Embedder]
    sparse: BM25Encoder
    indexer: Indexer
    retriever: HybridRetriever
    cache: VectorCache

    def close(self) -> None:
        self.backend.close()
        self.cache.close()


def edge_index_path(data_dir: Path, collection: str) -> Path:
    """Where the embedded (Qdrant Edge) index of ``collection`` lives under ``data_dir``."""
    return data_dir / "index" / collection


def open_search_index(
    *,
    data_dir: Path,
    embed_models: Sequence[str],
    qdrant_url: str | None = None,
    qdrant_api_key: str | None = None,
    collection: str = "permanence",
    rebuild: bool = False,
    glossary_path: Path | None = None,
) -> SearchIndex:
    """Open (or create) the index under ``data_dir`` or on the Qdrant server at ``qdrant_url``.

    Models load here (``warm_up``), once per process.
    """
    cache = VectorCache(data_dir / "cache" / "vectors.db")
    embedders: list[Embedder] = [CachedEmbedder(build_embedder(m), cache) for m in embed_models]
    for embedder in embedders:
        embedder.warm_up()
    sparse = BM25Encoder()
    sparse.warm_up()
    backend: VectorIndex
    if qdrant_url:
        backend = ServerIndex(collection=collection, url=qdrant_url, api_key=qdrant_api_key)
    else:
        backend = EdgeIndex(edge_index_path(data_dir, collection))
    backend.open({e.name: e.dim for e in embedders}, rebuild=rebuild)
    chunker = Chunker(count_tokens=embedders[0].count_tokens, theme_labels=CATEGORY_LABELS)
    return SearchIndex(
        backend=backend,
        embedders=embedders,
        sparse=sparse,
        indexer=Indexer(index=backend, embedders=embedders, sparse=sparse, chunker=chunker),
        retriever=HybridRetriever(
            index=backend,
            embedders=embedders,
            sparse=sparse,
            glossary=Glossary.from_file(glossary_path) if glossary_path else None,
        ),
        cache=cache,
    )
