"""Records that leave the index package: chunks, chunk hits and ranked institutions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast, get_args

from index.embedders import Matrix
from index.errors import BackendError
from ingest.records import Audience, DocumentKind

__all__ = ["Chunk", "ChunkHit", "InstitutionHit", "RetrievalResult"]

_KINDS: frozenset[str] = frozenset(get_args(DocumentKind))
_AUDIENCES: frozenset[str] = frozenset(get_args(Audience))


@dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of a document, embedded and stored as one point.

    ``text`` is what the models see (it carries the institution's name and category so that a
    section such as "Horaires" is never anonymous); ``body`` is the section text alone, used
    for snippets.
    """

    id: str
    url: str
    position: int
    title: str
    section: str
    text: str
    body: str
    content_hash: str
    kind: DocumentKind
    audience: Audience
    language: str | None
    institution_id: str | None
    categories: tuple[str, ...]
    communes: tuple[str, ...]
    fetched_at: str

    def payload(self) -> dict[str, object]:
        """The point payload stored with the vectors (architecture notes, "Chunk")."""
        return {
            "url": self.url,
            "position": self.position,
            "title": self.title,
            "section": self.section,
            "text": self.text,
            "body": self.body,
            "content_hash": self.content_hash,
            "kind": self.kind,
            "audience": self.audience,
            "language": self.language,
            "institution_id": self.institution_id,
            "categories": list(self.categories),
            "communes": list(self.communes),
            "fetched_at": self.fetched_at,
        }

    @classmethod
    def from_payload(cls, point_id: str, payload: dict[str, object]) -> Chunk:
        def _s(key: str) -> str:
            value = payload.get(key)
            return "" if value is None else str(value)

        def _opt(key: str) -> str | None:
            value = payload.get(key)
            return None if value is None else str(value)

        def _t(key: str) -> tuple[str, ...]:
            value = payload.get(key) or []
            return tuple(str(v) for v in value) if isinstance(value, list) else ()

        position = payload.get("position", 0)
        kind, audience = _s("kind"), _s("audience")
        if kind not in _KINDS or audience not in _AUDIENCES:
            # A point written by another version or by hand: refuse rather than guess who
            # may see it (an unknown audience must never be served as public).
            raise BackendError(
                f"point {point_id} has kind {kind!r} and audience {audience!r}, which this "
                "version does not know; rebuild the index with `permanence index --rebuild`"
            )
        return cls(
            id=point_id,
            url=_s("url"),
            position=int(position) if isinstance(position, int | float | str) else 0,
            title=_s("title"),
            section=_s("section"),
            text=_s("text"),
            body=_s("body"),
            content_hash=_s("content_hash"),
            kind=cast(DocumentKind, kind),
            audience=cast(Audience, audience),
            language=_opt("language"),
            institution_id=_opt("institution_id"),
            categories=_t("categories"),
            communes=_t("communes"),
            fetched_at=_s("fetched_at"),
        )


@dataclass(frozen=True, slots=True)
class ChunkHit:
    """A chunk with its fused retrieval score."""

    chunk: Chunk
    score: float


@dataclass(frozen=True, slots=True)
class InstitutionHit:
    """An institution with the chunks that support it, best first."""

    institution_id: str
    score: float
    chunks: tuple[ChunkHit, ...]
    serves_commune: bool = False


@dataclass(frozen=True, slots=True)
class RetrievalResult:
    """What a query returns: ranked institutions, all chunk hits, and how far to trust them."""

    institutions: tuple[InstitutionHit, ...]
    chunks: tuple[ChunkHit, ...]
    #: Probability that an acceptable institution is among the first three
    #: (:func:`index.confidence.answer_confidence`).
    confidence: float
    #: Cosine similarity of the first dense model's best chunk: how close the question is to
    #: anything in the corpus (1.0 when retrieval has no dense model and found something).
    similarity: float = 0.0
    #: The question's vector from each dense model, by model name: a follow-up retrieval of the
    #: same question (another office, the emergency lines) passes them back instead of
    #: embedding again (e5 costs 10–15 ms a question).
    query_vectors: Mapping[str, Matrix] = field(default_factory=dict)
    timings_ms: dict[str, float] = field(default_factory=dict)
    #: Needs the question names, as glossary concepts (e.g. ``rent``, ``debts``); empty when
    #: no known need is named — the answer layer's signal for "outside what we do".
    concepts: tuple[str, ...] = ()
