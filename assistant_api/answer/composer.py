"""The default, offline answer composer: extractive, templated, cited.

Every factual statement comes from a record or a retrieved chunk and carries the ``[n]`` of
the document it comes from; only the framing sentences come from the language's template. No
model writes anything here, so nothing can be hallucinated, and a crawled page cannot steer it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Protocol
from urllib.parse import urlsplit

from assistant_api.answer.hours import ZURICH, current_schedule, render_hours
from assistant_api.answer.reader import (
    isolate,
    matched_terms,
    pick_location,
    pick_phone,
    shown_freshness,
)
from assistant_api.answer.templates import TemplateSet
from assistant_api.answer.untrusted import untrusted_text
from assistant_api.models import Citation, EmergencyNumber, InstitutionCard
from index import ChunkHit, Glossary, InstitutionHit
from ingest import Institution, fiche_url
from ingest.corpus import CommuneTable, Vocabulary, load_communes, load_vocabulary
from ingest.facts.freshness import AGEING_DAYS, CURRENT_DAYS
from permanence.settings import PROJECT_ROOT

__all__ = ["CitationBook", "ComposedAnswer", "Composer", "ExtractiveComposer"]

#: Characters of a chunk shown as the citation snippet.
SNIPPET_CHARS = 280


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
        in_danger: Sequence[str] = (),
    ) -> ComposedAnswer:
        """Compose for ``hits`` (already ranked and cut to the number to show).

        ``emergency``: the numbers to call first, under the alarm; ``in_danger``: numbers for
        a danger described but not happening now, said once after the services, no alarm."""
        ...


class CitationBook:
    """Hands out citation numbers, one per distinct document URL, in order of first use."""

    def __init__(
        self,
        *,
        is_instruction: Callable[[str], bool] | None = None,
        records: Mapping[str, Institution] | None = None,
    ) -> None:
        self._by_url: dict[str, Citation] = {}
        self._is_instruction = is_instruction
        self._records: Mapping[str, Institution] = records or {}

    def cite(self, hit: ChunkHit) -> int:
        chunk = hit.chunk
        if chunk.url not in self._by_url:
            # Crawled text is untrusted (issue 22): unreviewed numbers, bank details, payment
            # requests and instructions never reach a snippet. Keep this call on every path
            # that turns chunk text into quoted text.
            body = untrusted_text(
                chunk, chunk.body, records=self._records, is_instruction=self._is_instruction
            )
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
    danger_numbers: list[EmergencyNumber] = field(default_factory=list)


@lru_cache(maxsize=1)
def _default_lexicons() -> tuple[Vocabulary, Glossary, CommuneTable]:
    """The checkout's vocabulary, glossary and commune table, read once per process."""
    glossary = Glossary.from_file(PROJECT_ROOT / "corpora" / "glossary.yaml")
    return load_vocabulary(), glossary, load_communes()


def _sentence(text: str) -> str:
    """``text`` with a capital first letter and a final full stop (labels are lower case)."""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "。", "።", "؟", "!")) else text + "."


def _supporting(hit: InstitutionHit, institution_id: str) -> ChunkHit:
    """The chunk to cite for the institution's facts: its fiche if retrieved, else its best."""
    for chunk_hit in hit.chunks:
        if chunk_hit.chunk.url == fiche_url(institution_id):
            return chunk_hit
    return hit.chunks[0]


class ExtractiveComposer:
    """Writes the answer from ranked institutions; stateless, safe to share between requests.

    ``is_instruction`` (the content guard) removes instruction-like sentences of crawled pages
    from citation snippets, so a poisoned page is never quoted to the asker. ``clock`` gives
    the instant "open now" is computed for (aware; Europe/Zurich by default), and the two
    thresholds (``settings.facts``) say when a structured schedule is too old to render.
    """

    def __init__(
        self,
        *,
        is_instruction: Callable[[str], bool] | None = None,
        vocabulary: Vocabulary | None = None,
        glossary: Glossary | None = None,
        communes: CommuneTable | None = None,
        today: date | None = None,
        clock: Callable[[], datetime] | None = None,
        current_days: int = CURRENT_DAYS,
        ageing_days: int = AGEING_DAYS,
    ) -> None:
        self._is_instruction = is_instruction
        self._clock = clock or (lambda: datetime.now(ZURICH))
        self._thresholds = (current_days, ageing_days)
        self._vocabulary = vocabulary
        self._glossary = glossary
        self._communes = communes
        self._today = today

    def _lexicons(self) -> tuple[Vocabulary, Glossary, CommuneTable]:
        vocabulary, glossary, communes = (
            (self._vocabulary, self._glossary, self._communes)
            if self._vocabulary and self._glossary and self._communes
            else _default_lexicons()
        )
        return (
            self._vocabulary or vocabulary,
            self._glossary or glossary,
            self._communes or communes,
        )

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
        in_danger: Sequence[str] = (),
    ) -> ComposedAnswer:
        """Compose for ``hits`` (already ranked and cut to the number to show).

        ``emergency``: the numbers to call first, under the alarm; ``in_danger``: numbers for
        a danger described but not happening now, said once after the services, no alarm."""
        book = CitationBook(is_instruction=self._is_instruction, records=records)
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
        vocabulary, glossary, communes = self._lexicons()
        concepts = glossary.concepts(question)
        french = glossary.french_words(concepts)
        now = self._clock()
        today = self._today or now.astimezone(ZURICH).date()
        rtl = templates.direction == "rtl"
        for rank, hit in enumerate(hits, start=1):
            record = records.get(hit.institution_id)
            if record is None:
                continue
            support = _supporting(hit, record.id)
            fact_n = book.cite(support)
            extra = [book.cite(c) for c in hit.chunks[:2] if c.chunk.url != support.chunk.url]
            terms = matched_terms(
                record,
                vocabulary,
                question=question,
                language=templates.language,
                concepts=concepts,
                french_words=french,
            )
            does = (
                _sentence(("؛ " if rtl else "; ").join(t.label(templates.language) for t in terms))
                if terms
                else templates.generic
            )
            refs = "".join(f"[{n}]" for n in [fact_n, *extra])
            # The name once, then what it does for this need, in the asker's language.
            lines.append(f"{rank}. **{isolate(record.name)}** — {does} {refs}")
            entry = _contact(
                record,
                templates,
                commune=commune,
                communes=communes,
                today=today,
                now=now,
                thresholds=self._thresholds,
            )
            lines.extend(f"   {line} [{fact_n}]" for line in entry.lines)
            cards.append(
                InstitutionCard(
                    id=record.id,
                    name=record.name,
                    acronym=record.acronym,
                    why=does,
                    phones=entry.phones,
                    emails=list(record.emails),
                    website=record.website,
                    address=entry.address,
                    hours=entry.hours,
                    open_now=entry.open_now,
                    opening=entry.opening,
                    note=entry.note,
                    service_area=list(record.service_area),
                    citations=[fact_n, *extra],
                    score=round(hit.score, 6),
                )
            )
        danger = (
            []
            if numbers
            else [
                EmergencyNumber(number=n, label=templates.emergency_labels.get(n, n))
                for n in in_danger
            ]
        )
        if danger:
            said = ", ".join(f"{n.number} ({n.label})" for n in danger)
            lines.append("")
            lines.append(f"{templates.emergency_intro} {said}")
        if cards:
            lines.append("")
            lines.append(templates.closing)
        return ComposedAnswer(
            answer="\n".join(lines).strip(),
            institutions=cards,
            citations=book.citations(),
            emergency_numbers=numbers,
            danger_numbers=danger,
        )


@dataclass(frozen=True)
class _Contact:
    """The contact to use first, as answer lines and as the card's fields."""

    lines: list[str]
    phones: list[str]
    address: str | None
    hours: str | None
    note: str | None
    open_now: bool | None = None
    opening: str | None = None


def _contact(
    record: Institution,
    templates: TemplateSet,
    *,
    commune: str | None,
    communes: CommuneTable,
    today: date,
    now: datetime,
    thresholds: tuple[int, int] = (CURRENT_DAYS, AGEING_DAYS),
) -> _Contact:
    """Phone and site serving the asker's commune, hours, one age note.

    Hours are the site's structured schedule written in the asker's language, with whether
    it is open now, when the schedule is dated and recent; else the record's French text as
    a quoted excerpt (left out when stale).
    """
    labels = templates.labels
    location = pick_location(record, commune, communes)
    phone = pick_phone(record, location, commune, communes)
    shown = [f for f, v in (("phones", phone), ("address", location), ("hours", record.hours)) if v]
    freshness = shown_freshness(record, shown, today=today)
    hours = None if freshness.hide_hours else record.hours
    parts: list[str] = []
    if phone is not None:
        parts.append(f"{labels.phone}: {isolate(phone.number)}")
    elif record.emails:
        parts.append(f"{labels.email}: {isolate(record.emails[0])}")
    elif record.website:
        # The site's host: the full link is on the card, and a long path is not read.
        host = urlsplit(record.website).netloc.removeprefix("www.")
        parts.append(f"{labels.website}: {isolate(host or record.website)}")
    address = None
    if location is not None:
        # The site's name helps only to tell several sites apart.
        site = location if len(record.locations) > 1 else location.model_copy(update={"name": None})
        address = site.one_line() or None
    if address:
        parts.append(f"{labels.address}: {isolate(address)}")
    lines = [" · ".join(parts)] if parts else []
    schedule = (
        current_schedule(
            location.schedules, today=today, current_days=thresholds[0], ageing_days=thresholds[1]
        )
        if location is not None
        else None
    )
    rendered = render_hours(schedule, templates.language, now=now) if schedule else None
    if rendered is not None:
        lines.append(f"{labels.hours}: {rendered.week} · {rendered.status}")
    elif hours:
        # French text of the source: quoted, never as the answer's own sentence.
        lines.append(f"{labels.hours}: {isolate(f'«{hours}»')}")
    note = None
    if freshness.stale_year is not None:
        note = templates.checked_in.format(year=freshness.stale_year)
    elif freshness.unconfirmed:
        note = templates.not_checked
    if note:
        lines.append(note)
    phones = [p.number for p in record.phones]
    if phone is not None:
        phones = [phone.number, *(n for n in phones if n != phone.number)]
    if rendered is not None:
        return _Contact(
            lines=lines,
            phones=phones,
            address=address,
            hours=rendered.week,
            note=note,
            open_now=rendered.open_now,
            opening=rendered.status,
        )
    # The card keeps stale hours beside the note: the answer's text leaves them out.
    return _Contact(lines=lines, phones=phones, address=address, hours=record.hours, note=note)
