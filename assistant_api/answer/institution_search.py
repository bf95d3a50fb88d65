"""Search the institution records for professionals: by words, category and commune.

Professionals know what they look for ("curatelle", "CSP", "dettes La Chaux-de-Fonds"): a
transparent word match over names, acronyms, services and description beats a semantic
search here, and it answers in microseconds. ``commune`` keeps the institutions whose service
area covers it (the commune itself, its region, or the whole canton).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, Field

from assistant_api.triage.safety import fold
from ingest import Institution

__all__ = ["InstitutionSearch", "InstitutionSummary", "SearchPage"]

#: Weights of a query word found in each field (name first, then what they do).
FIELD_WEIGHTS = (
    ("name", 5.0),
    ("acronym", 5.0),
    ("services", 3.0),
    ("categories", 2.0),
    ("description", 1.0),
)
#: Words shorter than this are ignored in queries (articles, prepositions).
MIN_WORD = 3
_WORD = re.compile(r"\w+")


class InstitutionSummary(BaseModel):
    id: str
    name: str
    acronym: str | None = None
    categories: list[str]
    services: list[str]
    service_area: list[str]
    phones: list[str]
    website: str | None = None
    address: str | None = None
    url: str = Field(description="The full record: GET this path.")
    score: float


class SearchPage(BaseModel):
    total: int
    results: list[InstitutionSummary]


@dataclass(frozen=True, slots=True)
class _Indexed:
    record: Institution
    fields: tuple[tuple[float, frozenset[str]], ...]
    area: frozenset[str]


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(fold(text)) if len(w) >= MIN_WORD}


def _prefixes(words: set[str]) -> set[str]:
    """Word stems of 5 letters, so 'dettes' finds 'dette' and 'logements' finds 'logement'."""
    return {w[:5] for w in words}


class InstitutionSearch:
    """Built once from the records; ``search`` is pure."""

    def __init__(
        self, records: Sequence[Institution], *, regions: dict[str, str] | None = None
    ) -> None:
        self._regions = {fold(k): fold(v) for k, v in (regions or {}).items()}
        self._indexed = []
        for record in records:
            values = {
                "name": record.name,
                "acronym": record.acronym or "",
                "services": " ".join(record.services),
                "categories": " ".join(record.categories),
                "description": record.description,
            }
            fields = tuple(
                (weight, frozenset(_prefixes(_words(values[name]))))
                for name, weight in FIELD_WEIGHTS
            )
            self._indexed.append(
                _Indexed(record, fields, frozenset(fold(a) for a in record.service_area))
            )

    def _serves(self, item: _Indexed, commune: str) -> bool:
        folded = fold(commune)
        region = self._regions.get(folded)
        return bool({folded, "canton"} & item.area) or (region is not None and region in item.area)

    def search(
        self,
        *,
        q: str | None = None,
        category: str | None = None,
        commune: str | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> SearchPage:
        query = _prefixes(_words(q)) if q else set()
        scored: list[tuple[float, Institution]] = []
        for item in self._indexed:
            if category and category not in item.record.categories:
                continue
            if commune and not self._serves(item, commune):
                continue
            score = 0.0
            if query:
                score = sum(weight * len(query & words) for weight, words in item.fields)
                if score == 0.0:
                    continue
                score /= len(query)
            scored.append((score, item.record))
        scored.sort(key=lambda t: (-t[0], t[1].name))
        page = scored[offset : offset + limit]
        return SearchPage(
            total=len(scored),
            results=[
                InstitutionSummary(
                    id=r.id,
                    name=r.name,
                    acronym=r.acronym,
                    categories=list(r.categories),
                    services=list(r.services),
                    service_area=list(r.service_area),
                    phones=[p.number for p in r.phones],
                    website=r.website,
                    address=r.address(),
                    url=f"/v1/institutions/{r.id}",
                    score=round(s, 4),
                )
                for s, r in page
            ],
        )
