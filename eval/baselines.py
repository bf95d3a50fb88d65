"""Retrieval baselines over the same index: BM25 only, and each dense model alone.

They answer the question "does the hybrid system earn its complexity?". A baseline has no
answer kind, no composer and no commune boost: it ranks institutions by the first occurrence
of their chunks in a single-vector search (docs/evaluation.md), with the same audience filter
as the system.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from eval.gold import GoldQuestion
from eval.records import Outcome
from index import BM25Encoder, Embedder, SearchFilter, VectorIndex
from index.backends import VectorHit

__all__ = [
    "BASELINE_CANDIDATES",
    "BASELINE_CONTEXTS",
    "Bm25Baseline",
    "DenseBaseline",
    "first_occurrence_ranking",
]

#: Chunks fetched per baseline query (the hybrid retriever's CANDIDATES, index/retriever.py).
BASELINE_CANDIDATES = 40
#: Chunk texts kept as retrieved contexts for context precision/recall (≈ the system's
#: citations: 3 institutions with one or two snippets each).
BASELINE_CONTEXTS = 5


def first_occurrence_ranking(institution_ids: Sequence[str | None]) -> tuple[str, ...]:
    """Institution ids in the order they first appear; chunks without one are skipped."""
    seen: dict[str, None] = {}
    for institution_id in institution_ids:
        if institution_id and institution_id not in seen:
            seen[institution_id] = None
    return tuple(seen)


def _audiences(question: GoldQuestion) -> tuple[str, ...]:
    return ("public", "professional") if question.audience == "professional" else ("public",)


def _outcome(question: GoldQuestion, hits: Sequence[VectorHit], started: float) -> Outcome:
    latency = (time.perf_counter() - started) * 1000
    ids = [h.payload.get("institution_id") for h in hits]
    top = hits[:BASELINE_CONTEXTS]
    return Outcome(
        id=question.id,
        ranked=first_occurrence_ranking([i if isinstance(i, str) else None for i in ids]),
        contexts=tuple(str(h.payload.get("body") or h.payload.get("text") or "") for h in top),
        context_ids=tuple(
            i for h in top if isinstance(i := h.payload.get("institution_id"), str) and i
        ),
        latency_ms=latency,
    )


class Bm25Baseline:
    """The sparse search alone, on the raw question (no glossary expansion)."""

    name = "bm25"

    def __init__(self, *, backend: VectorIndex, sparse: BM25Encoder) -> None:
        self._backend = backend
        self._sparse = sparse

    def answer(self, question: GoldQuestion) -> Outcome:
        started = time.perf_counter()
        vector = self._sparse.embed_query(question.question)
        flt = SearchFilter(audiences=_audiences(question))
        hits = self._backend.search_sparse(vector, flt, BASELINE_CANDIDATES)
        return _outcome(question, hits, started)

    def close(self) -> None:
        """The index belongs to the caller."""


class DenseBaseline:
    """One dense model's nearest neighbours alone."""

    def __init__(self, *, backend: VectorIndex, embedder: Embedder) -> None:
        self._backend = backend
        self._embedder = embedder
        self.name = f"dense:{embedder.name}"

    def answer(self, question: GoldQuestion) -> Outcome:
        started = time.perf_counter()
        values = [float(v) for v in self._embedder.embed_query(question.question)]
        flt = SearchFilter(audiences=_audiences(question))
        hits = self._backend.search_dense(self._embedder.name, values, flt, BASELINE_CANDIDATES)
        return _outcome(question, hits, started)

    def close(self) -> None:
        """The index belongs to the caller."""
