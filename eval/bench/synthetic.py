"""Query latency at scale: N synthetic chunks in Qdrant Edge, queried through the real retriever.

Dense vectors are random unit vectors of each model's dimension (seeded), sparse vectors are
BM25 encodings of random bags of words drawn from the corpus vocabulary, payloads carry the
fields the retriever reads. The question is then embedded by the real models, searched,
fused and ranked exactly as in production, so the figure includes embedding.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from eval.metrics import percentile
from index import BM25Encoder, EdgeIndex, Embedder, Glossary, HybridRetriever
from index.backends import IndexedPoint

__all__ = ["SEED", "synthetic_latency"]

SEED = 20261122
UPSERT_BATCH = 1000
WORDS_PER_CHUNK = 60


def _vocabulary(texts: Sequence[str]) -> list[str]:
    words = {w for text in texts for w in re.findall(r"[^\W\d_]{3,}", text.lower())}
    return sorted(words)


def _points(
    start: int,
    count: int,
    *,
    dims: dict[str, int],
    vocabulary: Sequence[str],
    institutions: Sequence[str],
    sparse: BM25Encoder,
    rng: np.random.Generator,
    pick: random.Random,
) -> list[IndexedPoint]:
    dense = {}
    for name, dim in dims.items():
        matrix = rng.standard_normal((count, dim)).astype(np.float32)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        dense[name] = matrix
    points = []
    for row in range(count):
        text = " ".join(pick.choices(vocabulary, k=WORDS_PER_CHUNK))
        number = start + row
        points.append(
            IndexedPoint(
                id=f"00000000-0000-4000-8000-{number:012d}",
                dense={name: matrix[row].tolist() for name, matrix in dense.items()},
                sparse=sparse.embed_document(text),
                payload={
                    "url": f"https://synthetic.invalid/{number}",
                    "position": 0,
                    "title": f"synthetic {number}",
                    "section": "",
                    "text": text,
                    "body": text,
                    "content_hash": f"{number:x}",
                    "kind": "web",
                    "audience": "public",
                    "language": "fr",
                    "institution_id": institutions[number % len(institutions)],
                    "categories": [],
                    "communes": [],
                    "fetched_at": "2026-11-22T00:00:00+00:00",
                },
            )
        )
    return points


def synthetic_latency(
    path: Path,
    *,
    chunks: int,
    embedders: Sequence[Embedder],
    sparse: BM25Encoder,
    corpus_texts: Sequence[str],
    institutions: Sequence[str],
    questions: Sequence[str],
    warmup_questions: Sequence[str] = (),
    glossary: Glossary | None = None,
    optimize: bool = True,
) -> dict[str, float | int | bool | None]:
    """Build the synthetic collection under ``path`` and time ``questions`` against it.

    ``warmup_questions`` (others than the timed ones) are asked first, untimed, so the figure is
    the one of a running service, not of the first reads of a collection just built.
    ``glossary`` is the product's keyword expansion, so the time is the one a question costs.
    """
    rng = np.random.default_rng(SEED)
    pick = random.Random(SEED)
    vocabulary = _vocabulary(corpus_texts)
    dims = {e.name: e.dim for e in embedders}
    backend = EdgeIndex(path)
    backend.open(dims, rebuild=True)
    try:
        started = time.perf_counter()
        for start in range(0, chunks, UPSERT_BATCH):
            count = min(UPSERT_BATCH, chunks - start)
            backend.upsert(
                _points(
                    start,
                    count,
                    dims=dims,
                    vocabulary=vocabulary,
                    institutions=institutions,
                    sparse=sparse,
                    rng=rng,
                    pick=pick,
                )
            )
        upsert_s = time.perf_counter() - started
        started = time.perf_counter()
        optimized = bool(backend.shard.optimize()) if optimize else False
        optimize_s = time.perf_counter() - started
        retriever = HybridRetriever(
            index=backend, embedders=embedders, sparse=sparse, glossary=glossary
        )
        retriever.warm_up()
        for question in warmup_questions:
            retriever.run(query=question, top_k=5)
        latencies = []
        for question in questions:
            began = time.perf_counter()
            retriever.run(query=question, top_k=5)
            latencies.append((time.perf_counter() - began) * 1000)
        return {
            "chunks": backend.count(),
            "upsert_s": round(upsert_s, 2),
            "hnsw_optimize_s": round(optimize_s, 2),
            "optimized": optimized,
            "queries": len(latencies),
            "warmup_queries": len(warmup_questions),
            "p50_ms": _round(percentile(latencies, 50)),
            "p95_ms": _round(percentile(latencies, 95)),
        }
    finally:
        backend.close()


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
