"""Structure-aware chunking: split a document along its headings, never mid-sentence.

A fiche's sections (services, who, contact …) are small; merging neighbours up to
``MAX_CHUNK_TOKENS`` keeps related facts together, and every chunk carries the document's
title and themes in its header so that a chunk such as "Horaires: lu-ve 8h-12h" is still about
*this* institution for the embedder and for BM25.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from index.records import Chunk
from ingest import Document

__all__ = ["MAX_CHUNK_TOKENS", "Chunker", "chunk_id", "split_sections"]

#: Upper bound of a chunk in embedding-model tokens. multilingual-e5-small reads 512 tokens;
#: 120 keeps "what they do" apart from "how to reach them" on the fiches (median section 40
#: tokens). Re-measure with `make eval` when changing it.
MAX_CHUNK_TOKENS = 120

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$", re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def chunk_id(url: str, position: int, content_hash: str) -> str:
    """Stable point id: the same content at the same place always gets the same id.

    Returned as a UUID string because both Qdrant Edge and Qdrant server accept UUIDs.
    """
    digest = hashlib.sha256(f"{url}\x00{position}\x00{content_hash}".encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"


def split_sections(text: str) -> list[tuple[str, str]]:
    """Split markdown into (heading, body) pairs; text before the first heading has heading ''."""
    sections: list[tuple[str, str]] = []
    matches = list(_HEADING.finditer(text))
    if not matches:
        return [("", text.strip())] if text.strip() else []
    preamble = text[: matches[0].start()].strip()
    if preamble:
        sections.append(("", preamble))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        body = text[match.end() : end].strip()
        if match.group(1) == "#" and not body:
            continue
        sections.append((match.group(2).strip(), body))
    return [(h, b) for h, b in sections if b]


def _split_long(body: str, count: Callable[[str], int], limit: int) -> list[str]:
    """Split an over-long section at sentence ends, then at words as a last resort."""
    pieces: list[str] = []
    current = ""
    for sentence in (s for s in _SENTENCE_END.split(body) if s.strip()):
        candidate = f"{current} {sentence}".strip()
        if current and count(candidate) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = candidate
    if current:
        pieces.append(current)
    result: list[str] = []
    for piece in pieces:
        if count(piece) <= limit:
            result.append(piece)
            continue
        words = piece.split()
        step = max(1, limit // 2)
        result.extend(" ".join(words[i : i + step]) for i in range(0, len(words), step))
    return result


@dataclass(frozen=True, slots=True)
class Chunker:
    """Turns documents into chunks. ``count_tokens`` is the embedding model's tokenizer."""

    count_tokens: Callable[[str], int]
    max_tokens: int = MAX_CHUNK_TOKENS
    theme_labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 16 <= self.max_tokens <= 2048:
            raise ValueError(f"max_tokens={self.max_tokens} is outside 16..2048")

    def run(self, document: Document) -> list[Chunk]:
        """Chunks of ``document`` in reading order."""
        themes = ", ".join(self.theme_labels.get(c, c) for c in document.categories)
        header = f"{document.title} — {themes}" if themes else document.title
        groups: list[tuple[str, str]] = []
        for heading, body in split_sections(document.text):
            if heading == document.title:
                heading = ""
            for piece in _split_long(body, self.count_tokens, self.max_tokens):
                block = f"{heading}\n{piece}" if heading else piece
                if groups and self.count_tokens(f"{groups[-1][1]}\n\n{block}") <= self.max_tokens:
                    names, text = groups[-1]
                    groups[-1] = (
                        f"{names} · {heading}" if heading else names,
                        f"{text}\n\n{block}",
                    )
                else:
                    groups.append((heading, block))
        chunks: list[Chunk] = []
        for position, (section, body) in enumerate(groups):
            text = f"{header}\n{body}"
            content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
            chunks.append(
                Chunk(
                    id=chunk_id(document.url, position, content_hash),
                    url=document.url,
                    position=position,
                    title=document.title,
                    section=section,
                    text=text,
                    body=body,
                    content_hash=content_hash,
                    kind=document.kind,
                    audience=document.audience,
                    language=document.language,
                    institution_id=document.institution_id,
                    categories=tuple(document.categories),
                    communes=tuple(document.communes),
                    fetched_at=document.fetched_at.isoformat(),
                )
            )
        return chunks
