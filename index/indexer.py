"""Incremental indexing: make the vector index match the active documents of the store.

Chunk ids are derived from (url, position, content hash), so the set difference between the
ids the documents should have and the ids the index holds is exactly the work to do: new ids
are embedded and written, stale ids deleted, the rest cost nothing — except that who may see a
chunk (its audience) and whose it is (its institution) are not part of its id: a source
corrected from public to professional keeps its text, so every run compares those fields of
the kept chunks with their documents and rewrites the payloads that differ (no re-embedding).

Each run is framed by ``begin_build``/``finish_build`` on the backend: the writer lock, and a
marker that says whether the last build finished and how many chunks it wrote.
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
#: Payloads read per call when comparing kept chunks with their documents.
PAYLOAD_BATCH = 1000
#: Payload fields that follow the document's metadata rather than its text: a change in any of
#: them rewrites the payload of a kept chunk. ``fetched_at`` is left out (it moves every crawl).
METADATA_FIELDS = ("audience", "institution_id", "kind", "categories", "communes", "language")


@dataclass(frozen=True, slots=True)
class IndexReport:
    documents: int
    chunks: int
    added: int
    deleted: int
    unchanged: int
    embedded: int
    #: Kept chunks whose audience, institution or other metadata was rewritten.
    updated: int = 0


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
        """Sync the index with ``documents`` (the complete set of active documents).

        Raises:
            IndexLockedError: another process is writing the index.
        """
        self._index.begin_build()
        active = [d for d in documents if d.status == "active"]
        wanted: dict[str, Chunk] = {}
        for document in active:
            for chunk in self._chunker.run(document):
                wanted[chunk.id] = chunk
        existing = self._index.point_ids_by_url()
        existing_ids = {pid for ids in existing.values() for pid in ids}
        stale = sorted(existing_ids - set(wanted))
        new_chunks = [c for cid, c in wanted.items() if cid not in existing_ids]
        self._index.delete(stale)
        updated = self._refresh_metadata(wanted, existing_ids & set(wanted))
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
            updated=updated,
        )
        self._index.finish_build(documents=len(active), chunks=len(wanted))
        logger.info("index sync: %s", report)
        return report

    def _refresh_metadata(self, wanted: dict[str, Chunk], kept: set[str]) -> int:
        """Rewrite the payload of kept chunks whose metadata differs from their document's."""
        ids = sorted(kept)
        changed: dict[str, dict[str, object]] = {}
        for start in range(0, len(ids), PAYLOAD_BATCH):
            stored = self._index.payloads(ids[start : start + PAYLOAD_BATCH])
            for point_id, payload in stored.items():
                fresh = wanted[point_id].payload()
                if any(payload.get(k) != fresh[k] for k in METADATA_FIELDS):
                    changed[point_id] = fresh
        self._index.set_payloads(changed)
        return len(changed)
