"""Where checking pays most: the institutions whose contact facts are oldest or missing.

A data steward has little time; this orders the records by what an asker would be let down
by — a phone or hours never dated or dated long ago, or no phone, address or hours at all —
and, beside it, by how often answers named the institution (``analytics.db`` records the
institutions of each answer, not which of their facts were shown, so use stands for the
institution as a whole). Pure functions over records, proposals and counts: the console's
route (``assistant_api``) reads them from the running app.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from ingest.facts.freshness import FACT_AGE_FIELDS, FactAge, fact_age
from ingest.records import Institution

__all__ = ["InstitutionFacts", "institution_facts", "most_used", "oldest_or_missing"]

#: The facts an asker needs to reach an institution; an empty one counts as missing. (An
#: e-mail or a website alone does not let a person in distress reach anyone today.)
ESSENTIAL_FIELDS = ("phones", "address", "hours")

_WEIGHT = {"stale": 2, "unknown": 2, "ageing": 1, "current": 0}


@dataclass(frozen=True, slots=True)
class InstitutionFacts:
    """The age of every filled contact fact of one institution, and what it lacks."""

    id: str
    name: str
    facts: tuple[FactAge, ...]
    missing: tuple[str, ...]
    oldest: date | None
    pending: int = 0
    answers: int = 0

    @property
    def to_check(self) -> int:
        """How much checking it needs: stale and undated facts 2, ageing 1, missing 2."""
        return sum(_WEIGHT[f.status] for f in self.facts) + 2 * len(self.missing)


def institution_facts(
    record: Institution,
    *,
    today: date,
    current_days: int,
    ageing_days: int,
    pending: int = 0,
    answers: int = 0,
) -> InstitutionFacts:
    """Each filled contact fact's age and the essential facts ``record`` lacks."""
    ages: list[FactAge] = []
    missing: list[str] = []
    for field, record_field in FACT_AGE_FIELDS.items():
        if getattr(record, record_field) in (None, "", []):
            if field in ESSENTIAL_FIELDS:
                missing.append(field)
            continue
        ages.append(
            fact_age(record, field, today=today, current_days=current_days, ageing_days=ageing_days)
        )
    dated = [a.assured_date for a in ages if a.assured_date is not None]
    return InstitutionFacts(
        id=record.id,
        name=record.name,
        facts=tuple(ages),
        missing=tuple(missing),
        oldest=min(dated) if dated else None,
        pending=pending,
        answers=answers,
    )


def _all(
    records: Iterable[Institution],
    *,
    today: date,
    current_days: int,
    ageing_days: int,
    pending: Mapping[str, int],
    answers: Mapping[str, int],
) -> list[InstitutionFacts]:
    return [
        institution_facts(
            r,
            today=today,
            current_days=current_days,
            ageing_days=ageing_days,
            pending=pending.get(r.id, 0),
            answers=answers.get(r.id, 0),
        )
        for r in records
    ]


def oldest_or_missing(
    records: Iterable[Institution],
    *,
    today: date,
    current_days: int,
    ageing_days: int,
    pending: Mapping[str, int] | None = None,
    answers: Mapping[str, int] | None = None,
    limit: int = 20,
) -> list[InstitutionFacts]:
    """The ``limit`` institutions that most need checking, most first.

    Ordered by :attr:`InstitutionFacts.to_check`, then by the oldest dated fact (older first;
    none dated comes first), then by how often answers named them, then by id.
    """
    rows = _all(
        records,
        today=today,
        current_days=current_days,
        ageing_days=ageing_days,
        pending=pending or {},
        answers=answers or {},
    )
    rows.sort(key=lambda r: (-r.to_check, r.oldest or date.min, -r.answers, r.id))
    return [r for r in rows if r.to_check > 0][:limit]


def most_used(
    records: Iterable[Institution],
    answers: Mapping[str, int],
    *,
    today: date,
    current_days: int,
    ageing_days: int,
    pending: Mapping[str, int] | None = None,
    limit: int = 20,
) -> list[InstitutionFacts]:
    """The institutions answers named most (with their facts' ages), most first."""
    rows = _all(
        [r for r in records if answers.get(r.id)],
        today=today,
        current_days=current_days,
        ageing_days=ageing_days,
        pending=pending or {},
        answers=answers,
    )
    rows.sort(key=lambda r: (-r.answers, -r.to_check, r.id))
    return rows[:limit]
