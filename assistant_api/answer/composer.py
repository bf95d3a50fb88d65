"""The default, offline answer composer: extractive, templated, cited.

Every factual statement comes from a record or a retrieved chunk and carries the ``[n]`` of
the document it comes from; only the framing sentences come from the language's template. No
model writes anything here, so nothing can be hallucinated, and a crawled page cannot steer it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from assistant_api.answer.templates import TemplateSet
from assistant_api.models import Citation, EmergencyNumber, InstitutionCard
from assistant_api.triage.content_guard import strip_instructions
from assistant_api.triage.safety import fold
from index import ChunkHit, InstitutionHit
from ingest import Institution, fiche_url

__all__ = ["CitationBook", "ComposedAnswer", "Composer", "ExtractiveComposer"]

#: Characters of a chunk shown as the citation snippet.
SNIPPET_CHARS = 280
#: Services quoted in a "why" sentence.
WHY_SERVICES = 3
_TOKEN = re.compile(r"\w{4,}")


class Composer(Protocol):
    """What the service asks of a composer: an answer for ranked hits, with its citations.

    The extractive composer below is one; the LLM composer (``assistant_api.llm``) is another,
    which rewrites the extractive answer and falls back to it.
    """

    def compose(
        self,
        *,
        question: str,
        templates: TemplateSet,
        hits: Sequence[InstitutionHit],
        records: dict[str, Institution],
        commune: str | None,
        emergency: Sequence[str] = (),
        intro: str | None = None,
    ) -> ComposedAnswer:
        """Compose for ``hits`` (already ranked and cut to the number to show)."""
        ...


class CitationBook:
    """Hands out citation numbers, one per distinct document URL, in order of first use."""

    def __init__(self, *, is_instruction: Callable[[str], bool] | None = None) -> None:
        self._by_url: dict[str, Citation] = {}
        self._is_instruction = is_instruction

    def cite(self, hit: ChunkHit) -> int:
        chunk = hit.chunk
        if chunk.url not in self._by_url:
            body = chunk.body
            if self._is_instruction is not None:
                body, _removed = strip_instructions(body, self._is_instruction)
            snippet = " ".join(body.split())
            if len(snippet) > SNIPPET_CHARS:
                snippet = snippet[: SNIPPET_CHARS - 1].rsplit(" ", 1)[0] + "…"
            self._by_url[chunk.url] = Citation(
                n=len(self._by_url) + 1,
                title=chunk.title,
                url=chunk.url,
                kind=chunk.kind,
                snippet=snippet,
                fetched_at=chunk.fetched_at,
                institution_id=chunk.institution_id,
                audience=chunk.audience,
            )
        return self._by_url[chunk.url].n

    def citations(self) -> list[Citation]:
        return sorted(self._by_url.values(), key=lambda c: c.n)


@dataclass
class ComposedAnswer:
    answer: str
    institutions: list[InstitutionCard]
    citations: list[Citation]
    emergency_numbers: list[EmergencyNumber] = field(default_factory=list)


def _pick_services(institution: Institution, question: str) -> list[str]:
    """Services whose words appear in the question first, then the record's order."""
    words = {w for w in _TOKEN.findall(fold(question))}
    scored = [
        (
            sum(
                1 for w in _TOKEN.findall(fold(s)) if w in words or w[:5] in {x[:5] for x in words}
            ),
            i,
            s,
        )
        for i, s in enumerate(institution.services)
    ]
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [s for _, _, s in scored[:WHY_SERVICES]]


def _supporting(hit: InstitutionHit, institution_id: str) -> ChunkHit:
    """The chunk to cite for the institution's facts: its fiche if retrieved, else its best."""
    for chunk_hit in hit.chunks:
        if chunk_hit.chunk.url == fiche_url(institution_id):
            return chunk_hit
    return hit.chunks[0]


class ExtractiveComposer:
    """Writes the answer from ranked institutions; stateless, safe to share between requests.

    ``is_instruction`` (the content guard) removes instruction-like sentences of crawled pages
    from citation snippets, so a poisoned page is never quoted to the asker.
    """

    def __init__(self, *, is_instruction: Callable[[str], bool] | None = None) -> None:
        self._is_instruction = is_instruction

    def compose(
        self,
        *,
        question: str,
        templates: TemplateSet,
        hits: Sequence[InstitutionHit],
        records: dict[str, Institution],
        commune: str | None,
        emergency: Sequence[str] = (),
        intro: str | None = None,
    ) -> ComposedAnswer:
        """Compose for ``hits`` (already ranked and cut to the number to show)."""
        book = CitationBook(is_instruction=self._is_instruction)
        lines: list[str] = []
        numbers = [
            EmergencyNumber(number=n, label=templates.emergency_labels.get(n, n)) for n in emergency
        ]
        if numbers:
            lines.append(f"**{templates.emergency_intro}**")
            lines.extend(f"- **{n.number}** — {n.label}" for n in numbers)
            lines.append("")
            if hits:
                lines.append(templates.emergency_after)
        elif hits or intro:
            lines.append(intro or templates.intro)
        cards: list[InstitutionCard] = []
        for rank, hit in enumerate(hits, start=1):
            record = records.get(hit.institution_id)
            if record is None:
                continue
            support = _supporting(hit, record.id)
            fact_n = book.cite(support)
            extra = [book.cite(c) for c in hit.chunks[:2] if c.chunk.url != support.chunk.url]
            services = _pick_services(record, question)
            why = (
                templates.why.format(name=record.name, services="; ".join(services))
                if services
                else templates.why_generic.format(name=record.name)
            )
            why_refs = "".join(f"[{n}]" for n in [fact_n, *extra])
            lines.append(f"{rank}. **{record.name}** — {why} {why_refs}")
            if hit.serves_commune and commune:
                lines.append(f"   {templates.serves_commune.format(commune=commune)} [{fact_n}]")
            contact = self._contact_line(record, templates)
            if contact:
                lines.append(f"   {contact} [{fact_n}]")
            cards.append(
                InstitutionCard(
                    id=record.id,
                    name=record.name,
                    acronym=record.acronym,
                    why=f"{why}",
                    phones=[p.number for p in record.phones],
                    emails=list(record.emails),
                    website=record.website,
                    address=record.address(),
                    hours=record.hours,
                    service_area=list(record.service_area),
                    citations=[fact_n, *extra],
                    score=round(hit.score, 6),
                )
            )
        if cards:
            lines.append("")
            lines.append(templates.closing)
        return ComposedAnswer(
            answer="\n".join(lines).strip(),
            institutions=cards,
            citations=book.citations(),
            emergency_numbers=numbers,
        )

    @staticmethod
    def _contact_line(record: Institution, templates: TemplateSet) -> str:
        labels = templates.labels
        mark = f" {templates.unconfirmed}"
        parts: list[str] = []
        if record.phones:
            flag = mark if "phones" in record.unconfirmed else ""
            parts.append(f"{labels.phone} : {', '.join(p.number for p in record.phones[:2])}{flag}")
        address = record.address()
        if address:
            flag = mark if "locations" in record.unconfirmed else ""
            parts.append(f"{labels.address} : {address}{flag}")
        if record.hours:
            flag = mark if "hours" in record.unconfirmed else ""
            parts.append(f"{labels.hours} : {record.hours}{flag}")
        if record.website:
            parts.append(f"{labels.website} : {record.website}")
        elif record.emails:
            parts.append(f"{labels.email} : {record.emails[0]}")
        return " · ".join(parts)
