"""Baseline: a default llama-index ``VectorStoreIndex`` over the same documents.

What a team would get by following the framework's quick start: its default node parser
(``SentenceSplitter``, 1024 tokens) and its in-memory vector store, with no LLM
(``Settings.llm = None``) and the project's packaged embedder wrapped in a ``BaseEmbedding``
(nothing is downloaded). Two deliberate departures, both to keep the comparison about
retrieval: document metadata (ids, URLs) is kept out of the embedded text, and the retriever
returns ``LLAMA_TOP_K`` nodes instead of the default 2 so that hit@3 is possible at all.
"""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Sequence
from typing import Any

from eval.baselines import BASELINE_CONTEXTS, first_occurrence_ranking
from eval.gold import GoldQuestion
from eval.records import Outcome
from index import Embedder
from ingest import Document

__all__ = ["LLAMA_TOP_K", "LlamaIndexBaseline"]

#: Nodes retrieved per question (llama-index default: 2). Most fiches fit in one 1024-token
#: node, so 10 nodes reach roughly 10 institutions.
LLAMA_TOP_K = 10

_METADATA_KEYS = ["institution_id", "audience", "url", "title", "kind"]


def _embedding_adapter(embedder: Embedder) -> Any:
    """A llama-index ``BaseEmbedding`` around one of the project's embedders."""
    from llama_index.core.embeddings import BaseEmbedding

    class _ProjectEmbedding(BaseEmbedding):
        def _get_query_embedding(self, query: str) -> list[float]:
            return [float(v) for v in embedder.embed_query(query)]

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return [float(v) for v in embedder.embed_passages([text])[0]]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return [[float(v) for v in row] for row in embedder.embed_passages(texts)]

    return _ProjectEmbedding(model_name=embedder.name, embed_batch_size=32)


class LlamaIndexBaseline:
    """Builds the llama-index index in ``__init__``-free ``warm_up`` and answers from it."""

    def __init__(self, *, documents: Sequence[Document], embedder: Embedder) -> None:
        self.name = "llama-index"
        self._documents = [d for d in documents if d.status == "active"]
        self._embedder = embedder
        self._index: Any = None
        self.nodes = 0
        self.build_seconds = 0.0

    def warm_up(self) -> None:
        """Chunk and embed every document (a few seconds with the USE model)."""
        if self._index is not None:
            return
        from llama_index.core import Document as LlamaDocument
        from llama_index.core import Settings as LlamaSettings
        from llama_index.core import VectorStoreIndex

        started = time.perf_counter()
        # llama-index prints a notice when the LLM is disabled; it is expected here.
        with contextlib.redirect_stdout(io.StringIO()):
            LlamaSettings.llm = None  # type: ignore[assignment]  # documented way to disable
        documents = [
            LlamaDocument(
                text=d.text,
                metadata={
                    "institution_id": d.institution_id or "",
                    "audience": d.audience,
                    "url": d.url,
                    "title": d.title,
                    "kind": d.kind,
                },
                excluded_embed_metadata_keys=_METADATA_KEYS,
                excluded_llm_metadata_keys=_METADATA_KEYS,
            )
            for d in self._documents
        ]
        self._index = VectorStoreIndex.from_documents(
            documents, embed_model=_embedding_adapter(self._embedder)
        )
        self.nodes = len(self._index.docstore.docs)
        self.build_seconds = time.perf_counter() - started

    def answer(self, question: GoldQuestion) -> Outcome:
        from llama_index.core.vector_stores import FilterOperator, MetadataFilter, MetadataFilters

        self.warm_up()
        audiences = (
            ["public", "professional"] if question.audience == "professional" else ["public"]
        )
        filters = MetadataFilters(
            filters=[MetadataFilter(key="audience", value=audiences, operator=FilterOperator.IN)]
        )
        started = time.perf_counter()
        retriever = self._index.as_retriever(similarity_top_k=LLAMA_TOP_K, filters=filters)
        nodes = retriever.retrieve(question.question)
        latency = (time.perf_counter() - started) * 1000
        ids = [str(n.node.metadata.get("institution_id") or "") or None for n in nodes]
        return Outcome(
            id=question.id,
            ranked=first_occurrence_ranking(ids),
            contexts=tuple(n.node.get_content() for n in nodes)[:BASELINE_CONTEXTS],
            context_ids=tuple(i for i in ids[:BASELINE_CONTEXTS] if i),
            latency_ms=latency,
        )

    def close(self) -> None:
        self._index = None
