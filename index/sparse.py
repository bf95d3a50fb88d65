"""Keyword vectors: BM25 with French stemming from Qdrant Edge's built-in analyzer.

No model is needed, so it works offline and in every language that shares words with the
French fiches (acronyms such as AVS, AI, LAMal, ORP, names of places and institutions). ASCII
folding is on: people type "aide sociale" and "aide a domicile" without accents.
"""

from __future__ import annotations

import threading

import qdrant_edge as qe

from index.backends.base import SparseVec

__all__ = ["BM25Encoder"]

#: Average fiche chunk length in tokens (measured on corpora/neuchatel, `permanence index`).
BM25_AVG_LEN = 90.0


class BM25Encoder:
    """Encodes documents (term frequencies) and queries (unique terms) as sparse vectors."""

    name = "bm25-fr"

    def __init__(self, *, language: str = "french", avg_len: float = BM25_AVG_LEN) -> None:
        self._config = qe.Bm25Config(language=language, ascii_folding=True, avg_len=avg_len)
        self._model: qe.Bm25 | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._model is None:
                self._model = qe.Bm25(self._config)

    @staticmethod
    def _convert(vector: qe.SparseVector) -> SparseVec:
        pairs = sorted(zip(vector.indices, vector.values, strict=True))
        return SparseVec(tuple(i for i, _ in pairs), tuple(float(v) for _, v in pairs))

    def embed_document(self, text: str) -> SparseVec:
        self.warm_up()
        assert self._model is not None
        return self._convert(self._model.embed_document(text))

    def embed_query(self, text: str) -> SparseVec:
        self.warm_up()
        assert self._model is not None
        return self._convert(self._model.embed_query(text))
