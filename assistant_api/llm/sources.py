"""The numbered sources handed to the LLM: crawled text filtered as untrusted, facts attached.

Crawled pages are data written by whoever controls them (issue 22). Each retrieved chunk goes
through the same filter as the extractive composer's snippets
(:func:`assistant_api.answer.untrusted.untrusted_text`): a sentence of a crawled page that gives
a phone number its institution's reviewed record does not list, bank details, a payment request
or an instruction to the assistant is dropped before the model sees it — so a poisoned page can
neither steer the model nor lend its planted number to the model's answer.

Each source also carries the structured facts the extractive answer showed for the institution
it supports (issue 17, :mod:`assistant_api.llm.facts`), so the model writes from the same
services, contact and age note as the extractive composer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from assistant_api.answer.untrusted import untrusted_text
from assistant_api.models import Citation
from assistant_api.triage.content_guard import split_sentences, strip_instructions
from index import InstitutionHit
from ingest import Institution

__all__ = ["SOURCE_CHARS", "NumberedSource", "build_sources", "strip_instructions"]

logger = logging.getLogger(__name__)

#: Characters of text per source given to the model (a 1.5B–8B model has a small context).
SOURCE_CHARS = 1200


@dataclass(frozen=True, slots=True)
class NumberedSource:
    """One ``[n]`` of the prompt: a cited document, and the reviewed facts it supports."""

    n: int
    title: str
    url: str
    text: str
    #: Lines of reviewed facts (services for this need, contact for the asker's commune,
    #: hours, age note) of the institution whose facts cite this document; empty otherwise.
    facts: tuple[str, ...] = ()


def build_sources(
    citations: Sequence[Citation],
    hits: Sequence[InstitutionHit],
    *,
    records: Mapping[str, Institution],
    is_instruction: Callable[[str], bool],
    max_chars: int = SOURCE_CHARS,
    facts: Mapping[int, Sequence[str]] | None = None,
) -> list[NumberedSource]:
    """One source per citation number, its text gathered from the retrieved chunks of its URL.

    Every chunk's text is filtered by ``untrusted_text`` against ``records`` (the reviewed
    records) before it is gathered; ``max_chars`` then caps each source's text (a small
    embedded model evaluates the prompt slowly). ``facts`` maps a citation number to the fact
    lines attached to it; they are never cut, being what the answer must be written from.
    """
    bodies: dict[str, list[str]] = {}
    dropped: dict[str, int] = {}
    for hit in hits:
        for chunk_hit in hit.chunks:
            chunk = chunk_hit.chunk
            parts = bodies.setdefault(chunk.url, [])
            # Keep this call on every path that turns chunk text into prompt text.
            body = untrusted_text(chunk, chunk.body, records=records, is_instruction=is_instruction)
            removed = len(split_sentences(chunk.body)) - len(split_sentences(body))
            if removed:
                dropped[chunk.url] = dropped.get(chunk.url, 0) + removed
            if body and body not in parts:
                parts.append(body)
    for url, count in dropped.items():
        logger.warning("removed %d untrusted sentences from source %s", count, url)
    sources: list[NumberedSource] = []
    for citation in citations:
        # The snippet went through the same filter when the citation was made.
        text = "\n".join(bodies.get(citation.url, [])) or citation.snippet
        if len(text) > max_chars:
            text = text[: max_chars - 1].rsplit(" ", 1)[0] + "…"
        lines = tuple((facts or {}).get(citation.n, ()))
        sources.append(NumberedSource(citation.n, citation.title, citation.url, text, lines))
    return sources
