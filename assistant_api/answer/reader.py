"""The facts of one institution, chosen and written for the person who asked (issue 17).

Pure functions the extractive composer calls per institution: which of its services answer
this need (as vocabulary terms, in the asker's language), which of its sites and phones serve
the asker's commune, whether a shown fact is old enough to say so, and how to keep numbers,
e-mails and Latin names readable inside right-to-left text.

Why terms and not the record's phrases: the records are French, and an Arabic answer that
quotes "conseil juridique en droit du bail" is half French (issue 17 measured half the prose
lines of non-French answers in the wrong language). French text that no term covers is still
shown, as a quoted excerpt of the source, never as the answer's own sentence.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from ingest import Institution, Location, Phone
from ingest.corpus import CommuneTable, ServiceTerm, Vocabulary
from ingest.facts import fact_age
from permanence.text import fold

__all__ = [
    "FIRST_ISOLATE",
    "POP_ISOLATE",
    "SHOWN_TERMS",
    "Freshness",
    "isolate",
    "matched_terms",
    "pick_location",
    "pick_phone",
    "shown_freshness",
]

#: Unicode FIRST STRONG ISOLATE / POP DIRECTIONAL ISOLATE: a span between them keeps its own
#: direction, so "+41 32 889 37 85" is not shown reversed inside Arabic text.
FIRST_ISOLATE = "\u2068"
POP_ISOLATE = "\u2069"
#: Services named per institution: two keep three institutions within about 90 words
#: (eval answer_words_p50), and the third is rarely what the person asked about.
SHOWN_TERMS = 2
_WORD = re.compile(r"\w{4,}")
#: Word starts compared between a question and a label or phrase (as the composer did).
_STEM = 5


def isolate(text: str) -> str:
    """``text`` (a name, number, e-mail, address or quote) isolated from the text around it.

    Needed inside right-to-left text, where "+41 32 889 37 85" would otherwise show reversed;
    written in every language because isolates are invisible in left-to-right text and mark
    each fact span the same way for renderers, screen readers and the purity metric.
    """
    return f"{FIRST_ISOLATE}{text}{POP_ISOLATE}" if text else text


def _stems(text: str) -> set[str]:
    return {w[:_STEM] for w in _WORD.findall(fold(text))}


def matched_terms(
    record: Institution,
    vocabulary: Vocabulary,
    *,
    question: str,
    language: str,
    concepts: Collection[str] = (),
    french_words: str = "",
    limit: int = SHOWN_TERMS,
) -> list[ServiceTerm]:
    """The record's terms that answer this question, best first; its first term otherwise.

    A term answers when it serves one of the question's glossary ``concepts``, or when its
    label in the asker's language, or one of the record's French phrases it stands for, shares
    a word start with the question or with the French words of its needs (``french_words``).
    """
    terms = [t for t in (vocabulary.get(i) for i in record.service_terms) if t is not None]
    if not terms:
        return []
    phrases: dict[str, list[str]] = {}
    for phrase in record.services:
        term_id = vocabulary.map_phrase(phrase)
        if term_id is not None:
            phrases.setdefault(term_id, []).append(phrase)
    asked = _stems(question) | _stems(french_words)
    wanted = set(concepts)

    def score(term: ServiceTerm) -> int:
        by_concept = 2 if wanted & set(term.concepts) else 0
        texts = [term.label(language), *phrases.get(term.id, [])]
        by_words = len(asked & set().union(*(_stems(t) for t in texts)))
        return by_concept + by_words

    scored = sorted(enumerate(terms), key=lambda p: (-score(p[1]), p[0]))
    if score(scored[0][1]) == 0:
        return terms[:1]  # nothing matched: its main service, not a list to read through
    return [t for _, t in scored if score(t) > 0][:limit]


def _mentions(text: str | None, names: Sequence[str]) -> bool:
    """Whether ``text`` names one of ``names`` as a whole word ("Neuchâtel" is not in
    "Montagnes neuchâteloises")."""
    folded = fold(text or "")
    return any(
        re.search(rf"(?<!\w){re.escape(fold(name))}(?!\w)", folded) for name in names if name
    )


def _places(commune: str | None, communes: CommuneTable | None) -> tuple[list[str], list[str]]:
    """The asker's commune names, and the other communes of its region plus the region."""
    if not commune:
        return [], []
    found = communes.get(commune) if communes is not None else None
    if found is None:
        return [commune], []
    near = [c.name for c in communes.by_region(found.region) if c.name != found.name]  # type: ignore[union-attr]
    return [found.name], [found.region, *near]


def pick_location(
    record: Institution, commune: str | None, communes: CommuneTable | None
) -> Location | None:
    """The site that serves the asker: in their commune, then named for or in their region.

    Without a known commune, or when no site fits, the record's first site (its main one).
    """
    if not record.locations:
        return None
    own, region = _places(commune, communes)
    for names in (own, region):
        for location in record.locations:
            if location.commune in names or _mentions(location.name, names):
                return location
    return record.locations[0]


def pick_phone(
    record: Institution,
    location: Location | None,
    commune: str | None,
    communes: CommuneTable | None,
) -> Phone | None:
    """The number to call first: the one labelled for the asker's place or site, else the first."""
    if not record.phones:
        return None
    own, region = _places(commune, communes)
    site = [location.commune] if location is not None else []
    for names in (own, region, site):
        for phone in record.phones:
            if _mentions(phone.label, names):
                return phone
    return record.phones[0]


@dataclass(frozen=True, slots=True)
class Freshness:
    """What to say about the age of the facts shown: nothing, a year, or "not confirmed"."""

    stale_year: int | None = None
    unconfirmed: bool = False
    hide_hours: bool = False


def shown_freshness(record: Institution, shown: Sequence[str], *, today: date) -> Freshness:
    """One note for the facts shown (``phones``, ``address``, ``hours``).

    Stale facts (assured more than about 18 months ago) give the year of the oldest; failing
    that, a shown fact the record marks ``unconfirmed`` gives "not confirmed". Stale hours are
    not shown at all: "hours noted in 2020 (COVID period)" misleads more than it helps.
    """
    ages = [fact_age(record, field, today=today) for field in shown]
    stale = [a for a in ages if a.status == "stale" and a.assured_date is not None]
    hide_hours = any(a.field == "hours" for a in stale)
    if stale:
        year = min(a.assured_date.year for a in stale if a.assured_date is not None)
        return Freshness(stale_year=year, hide_hours=hide_hours)
    fields = {"address": "locations"}
    unconfirmed = any(fields.get(f, f) in record.unconfirmed for f in shown)
    return Freshness(unconfirmed=unconfirmed)
