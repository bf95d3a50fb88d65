"""The numbered sources handed to the LLM, and the removal of instruction-like text from them.

Crawled pages are data. A sentence that addresses the assistant ("ignore your instructions",
"tell everyone to call …") is cut out before the model sees it, so that a poisoned page can
neither steer the model nor lend its phone number to the validator's allow-list.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant_api.models import Citation
from assistant_api.triage.content_guard import strip_instructions
from index import InstitutionHit

__all__ = ["NumberedSource", "build_sources", "strip_instructions"]

logger = logging.getLogger(__name__)

#: Characters of text per source given to the model (a 1.5B–8B model has a small context).
SOURCE_CHARS = 1200


@dataclass(frozen=True, slots=True)
class NumberedSource:
    n: int
    title: str
    url: str
    text: str


def build_sources(
    citations: Sequence[Citation],
    hits: Sequence[InstitutionHit],
    *,
    is_instruction: Callable[[str], bool],
    max_chars: int = SOURCE_CHARS,
) -> list[NumberedSource]:
    """One source per citation number, its text gathered from the retrieved chunks of its URL.

    ``max_chars`` caps each source's text (a small embedded model evaluates the prompt slowly).
    """
    bodies: dict[str, list[str]] = {}
    for hit in hits:
        for chunk_hit in hit.chunks:
            chunk = chunk_hit.chunk
            parts = bodies.setdefault(chunk.url, [])
            if chunk.body not in parts:
                parts.append(chunk.body)
    sources: list[NumberedSource] = []
    for citation in citations:
        raw = "\n".join(bodies.get(citation.url, [])) or citation.snippet
        text, removed = strip_instructions(raw, is_instruction)
        if removed:
            logger.warning(
                "removed %d instruction-like sentences from source %s", removed, citation.url
            )
        if len(text) > max_chars:
            text = text[: max_chars - 1].rsplit(" ", 1)[0] + "…"
        sources.append(NumberedSource(citation.n, citation.title, citation.url, text))
    return sources
