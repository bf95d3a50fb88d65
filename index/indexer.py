"""Incremental indexing: make the vector index match the active documents of the store.

Chunk ids are derived from (url, position, content hash), so the set difference between the
ids the documents should have and the ids the index holds is exactly the work to do: new ids
are embedded and written, stale ids deleted, the rest cost nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from index.backends.base import IndexedPoint, VectorIndex
from index.chunker import Chunker
from index.embedders import Embedder
from index.records import Chunk
from index.sparse import BM25Encoder
from ingest import Document

__all__ = ["EMBED_BATCH", "IndexReport", "Indexer"]

logger = logging.getLogger(__name__)

#: Passages per embedding call; bounded so that progress moves and memory stays flat.
EMBED_BATCH = 32


@dataclass(frozen=True, slots=True)
class IndexReport:
    documents: int
    chunks: int
    added: int
    deleted: int
    unchanged: int
    embedded: int


class Indexer:
    """Writes chunks of documents into a vector index with every configured embedder."""

    def __init__(
        self,
        *,
        index: VectorIndex,
        embedders: Sequence[Embedder],
        sparse: BM25Encoder,
        chunker: Chunker,
    ) -> None:
        if not embedders:
            raise ValueError("at least one dense embedder is required")
        self._index = index
        self._embedders = list(embedders)
        self._sparse = sparse
        self._chunker = chunker

    def run(
        self,
        documents: Sequence[Document],
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> IndexReport:
        """Sync the index with ``documents`` (the complete set of active documents)."""
        wanted: dict[str, Chunk] = {}
        for document in documents:
            if document.status != "active":
                continue
            for chunk in self._chunker.run(document):
                wanted[chunk.id] = chunk
        existing = self._index.point_ids_by_url()
        existing_ids = {pid for ids in existing.values() for pid in ids}
        stale = sorted(existing_ids - set(wanted))
        new_chunks = [c for cid, c in wanted.items() if cid not in existing_ids]
        self._index.delete(stale)
        embedded = 0
        total = len(new_chunks)
        for start in range(0, total, EMBED_BATCH):
            batch = new_chunks[start : start + EMBED_BATCH]
            texts = [c.text for c in batch]
            dense = {e.name: e.embed_passages(texts) for e in self._embedders}
            points = [
                IndexedPoint(
                    id=chunk.id,
                    dense={name: vectors[row].tolist() for name, vectors in dense.items()},
                    sparse=self._sparse.embed_document(chunk.text),
                    payload=chunk.payload(),
                )
                for row, chunk in enumerate(batch)
            ]
            self._index.upsert(points)
            embedded += len(batch)
            if progress is not None:
                progress(embedded, total)
        report = IndexReport(
            documents=len(documents),
            chunks=len(wanted),
            added=len(new_chunks),
            deleted=len(stale),
            unchanged=len(wanted) - len(new_chunks),
            embedded=embedded,
        )
        logger.info("index sync: %s", report)
        return report
