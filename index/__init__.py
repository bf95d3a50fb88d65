"""Index: chunk, embed and store documents; retrieve institutions for a question."""

from __future__ import annotations

from index.backends import (
    BuildMarker,
    EdgeIndex,
    SearchFilter,
    ServerIndex,
    VectorIndex,
    stored_chunk_count,
)
from index.chunker import Chunker
from index.embedders import E5Embedder, Embedder, SentenceTransformerEmbedder, USEEmbedder
from index.errors import (
    BackendError,
    EmbedderError,
    IndexingError,
    IndexInUseError,
    IndexLockedError,
    ModelMismatchError,
)
from index.glossary import Glossary
from index.indexer import Indexer, IndexReport
from index.ranking import apply_commune, rank_institutions
from index.records import Chunk, ChunkHit, InstitutionHit, RetrievalResult
from index.retriever import HybridRetriever
from index.service import SearchIndex, edge_index_path, open_search_index
from index.sparse import BM25Encoder

__all__ = [
    "BM25Encoder",
    "BackendError",
    "BuildMarker",
    "Chunk",
    "ChunkHit",
    "Chunker",
    "E5Embedder",
    "EdgeIndex",
    "Embedder",
    "EmbedderError",
    "Glossary",
    "HybridRetriever",
    "IndexInUseError",
    "IndexLockedError",
    "IndexReport",
    "Indexer",
    "IndexingError",
    "InstitutionHit",
    "ModelMismatchError",
    "RetrievalResult",
    "SearchFilter",
    "SearchIndex",
    "SentenceTransformerEmbedder",
    "ServerIndex",
    "USEEmbedder",
    "VectorIndex",
    "apply_commune",
    "edge_index_path",
    "open_search_index",
    "rank_institutions",
    "stored_chunk_count",
]
