"""Hybrid retrieval: dense searches with every model + BM25, fused, then ranked by institution."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from index.backends.base import SearchFilter, VectorHit, VectorIndex
from index.confidence import answer_confidence
from index.embedders import Embedder, Matrix
from index.fusion import reciprocal_rank_fusion
from index.glossary import Glossary
from index.ranking import apply_commune, rank_institutions
from index.records import Chunk, ChunkHit, RetrievalResult
from index.sparse import BM25Encoder

__all__ = ["CANDIDATES", "DENSE_WEIGHT", "SPARSE_WEIGHT", "HybridRetriever"]

#: Chunks fetched from each single-vector search before fusion.
CANDIDATES = 40
#: RRF weights (tuned on corpora/gold/dev.jsonl with `permanence eval --baselines`).
DENSE_WEIGHT = 1.0
SPARSE_WEIGHT = 0.8  # with RRF_K=10: dev hit@3 0.790 (0.6: 0.770, 1.0: 0.776)


@dataclass(frozen=True, slots=True)
class _Search:
    name: str
    hits: list[VectorHit]
    weight: float


class HybridRetriever:
    """Finds the chunks and institutions that answer a question."""

    def __init__(
        self,
        *,
        index: VectorIndex,
        embedders: Sequence[Embedder],
        sparse: BM25Encoder | None,
        glossary: Glossary | None = None,
        candidates: int = CANDIDATES,
    ) -> None:
        if not embedders and sparse is None:
            raise ValueError("a retriever needs at least one dense embedder or the sparse encoder")
        if not 1 <= candidates <= 1000:
            raise ValueError(f"candidates={candidates} is outside 1..1000")
        self._index = index
        self._embedders = list(embedders)
        self._sparse = sparse
        self._glossary = glossary
        self._candidates = candidates

    @property
    def glossary(self) -> Glossary | None:
        """The keyword expansion this retriever applies (the bench reuses it at scale)."""
        return self._glossary

    def warm_up(self) -> None:
        """Load the models and run one query each, so the first real question is not slow."""
        for embedder in self._embedders:
            embedder.warm_up()
            embedder.embed_query("warm-up")
        if self._sparse is not None:
            self._sparse.warm_up()

    def run(
        self,
        *,
        query: str,
        audiences: Sequence[str] = ("public",),
        categories: Sequence[str] = (),
        commune: str | None = None,
        top_k: int = 5,
        expansion: str | None = None,
        institution_ids: Sequence[str] = (),
        query_vectors: Mapping[str, Matrix] | None = None,
    ) -> RetrievalResult:
        """Retrieve for ``query``.

        ``expansion`` adds keywords to the sparse query only; by default they come from the
        multilingual glossary (French words of the needs the question names).
        ``query_vectors`` holds vectors of ``query`` already computed, keyed by embedder name
        (triage embeds the question with USE first); those embedders are not run again.
        """
        concepts = tuple(self._glossary.concepts(query)) if self._glossary is not None else ()
        if expansion is None:
            expansion = self._glossary.french_words(concepts) if self._glossary is not None else ""
        started = time.perf_counter()
        flt = SearchFilter(
            audiences=tuple(audiences),
            categories=tuple(categories),
            institution_ids=tuple(institution_ids),
        )
        searches: list[_Search] = []
        best_similarity = 0.0
        vectors: dict[str, Matrix] = {}
        for embedder in self._embedders:
            known = query_vectors.get(embedder.name) if query_vectors else None
            vectors[embedder.name] = known if known is not None else embedder.embed_query(query)
            hits = self._index.search_dense(
                embedder.name,
                vectors[embedder.name].tolist(),
                flt,
                self._candidates,
                with_payload=False,
            )
            if hits and embedder is self._embedders[0]:
                best_similarity = hits[0].score
            searches.append(_Search(embedder.name, hits, DENSE_WEIGHT))
        if self._sparse is not None:
            sparse_query = f"{query} {expansion}".strip()
            hits = self._index.search_sparse(
                self._sparse.embed_query(sparse_query), flt, self._candidates, with_payload=False
            )
            searches.append(_Search("bm25", hits, SPARSE_WEIGHT))
        fused = reciprocal_rank_fusion(
            [s.hits for s in searches], weights=[s.weight for s in searches]
        )
        # The searches return ids and scores; payloads are read once for all of them.
        payloads = self._index.payloads(list(dict.fromkeys(h.id for s in searches for h in s.hits)))
        chunk_hits = tuple(
            ChunkHit(Chunk.from_payload(h.id, payloads[h.id]), h.score)
            for h in fused
            if h.id in payloads
        )
        institutions = apply_commune(rank_institutions(chunk_hits, limit=top_k + 5), commune)[
            :top_k
        ]
        # Without a dense model there is no similarity to measure: any hit counts as close.
        similarity = best_similarity if self._embedders else float(bool(chunk_hits))
        first = institutions[0].institution_id if institutions else None
        agreeing = sum(
            1
            for s in searches
            if s.hits and payloads.get(s.hits[0].id, {}).get("institution_id") == first
        )
        confidence = (
            answer_confidence(similarity=similarity, agreeing=agreeing, names_need=bool(concepts))
            if first is not None
            else 0.0
        )
        elapsed = (time.perf_counter() - started) * 1000
        return RetrievalResult(
            institutions=tuple(institutions),
            chunks=chunk_hits,
            confidence=confidence,
            similarity=round(similarity, 4),
            query_vectors=vectors,
            timings_ms={"retrieval": elapsed},
            concepts=concepts,
        )
