"""Permanence's hybrid retrieval as a llama-index retriever.

For teams that build on llama-index (query engines, agents, its evaluation tools): they get
the product's retrieval — both dense models, BM25 with the glossary, the audience filter and
institution ranking — behind llama-index's ``BaseRetriever`` interface, instead of a
framework default that scores far lower on the gold set (see ``eval/llamaindex_baseline.py``).
The framework stays outside the product: nothing in ``index`` or ``assistant_api`` depends on
it, and it is imported only when an adapter is built (``pip install 'permanence[eval]'``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from index.retriever import HybridRetriever

__all__ = ["as_llamaindex_retriever"]


def as_llamaindex_retriever(
    retriever: HybridRetriever,
    *,
    audiences: Sequence[str] = ("public",),
    top_k: int = 5,
) -> Any:
    """A ``llama_index.core.retrievers.BaseRetriever`` over ``retriever``.

    Each returned node is one chunk of the ranked institutions, best institution first, with
    the fused score; its metadata carries what a citation needs (``institution_id``, ``url``,
    ``title``, ``section``) and the retrieval's calibrated ``confidence``.
    """
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

    scope = tuple(audiences)

    class PermanenceRetriever(BaseRetriever):
        def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
            result = retriever.run(query=query_bundle.query_str, audiences=scope, top_k=top_k)
            nodes: list[NodeWithScore] = []
            for institution in result.institutions:
                for hit in institution.chunks:
                    chunk = hit.chunk
                    node = TextNode(
                        id_=chunk.id,
                        text=chunk.text,
                        metadata={
                            "institution_id": chunk.institution_id or "",
                            "url": chunk.url,
                            "title": chunk.title,
                            "section": chunk.section,
                            "confidence": result.confidence,
                        },
                    )
                    nodes.append(NodeWithScore(node=node, score=hit.score))
            return nodes

    return PermanenceRetriever()
