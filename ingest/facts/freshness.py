"""How old each contact fact of a record is: current, ageing, stale or unknown.

A fact is only as good as the day someone last checked it. ``Institution.assured`` records
that day per field (an accepted proposal, or the date of the source page where the migration
could read one); ``last_verified`` is not used here, because it says when the file was
written, not when a fact was checked. A fact without a date is ``unknown``, never
``current``: an answer must not present an unchecked phone number as today's.

The thresholds follow issue 19: current up to about six months, ageing up to about eighteen,
stale beyond (Soliguide colours places the same way, with shorter steps). They are settings
(``settings.facts``), passed in as plain numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from ingest.records import Institution

__all__ = ["FACT_AGE_FIELDS", "FactAge", "FreshnessStatus", "fact_age", "freshness_status"]

FreshnessStatus = Literal["current", "ageing", "stale", "unknown"]

#: The facts whose age is shown, and the record field holding each (``address`` is the first
#: of ``locations``). A record field name (``locations``) is accepted as well.
FACT_AGE_FIELDS: dict[str, str] = {
    "phones": "phones",
    "emails": "emails",
    "address": "locations",
    "hours": "hours",
    "website": "website",
}

#: Defaults of ``settings.facts``: 183 days ≈ 6 months, 548 days ≈ 18 months (issue 19).
CURRENT_DAYS = 183
AGEING_DAYS = 548


@dataclass(frozen=True, slots=True)
class FactAge:
    """The age of one fact: its field (as asked), its status and the day it was assured."""

    field: str
    status: FreshnessStatus
    assured_date: date | None


def freshness_status(
    assured_date: date | None,
    *,
    today: date,
    current_days: int = CURRENT_DAYS,
    ageing_days: int = AGEING_DAYS,
) -> FreshnessStatus:
    """The status of a fact assured on ``assured_date`` (``None``: never dated).

    A date after ``today`` (a clock or typing error) counts as checked today: it is a date
    someone wrote, and the review page shows it as it is.

    Raises:
        ValueError: when the thresholds are negative or ``ageing_days < current_days``.
    """
    if current_days < 0 or ageing_days < current_days:
        raise ValueError(
            f"thresholds must satisfy 0 <= current_days <= ageing_days, "
            f"got current_days={current_days}, ageing_days={ageing_days}"
        )
    if assured_date is None:
        return "unknown"
    age = (today - assured_date).days
    if age <= current_days:
        return "current"
    if age <= ageing_days:
        return "ageing"
    return "stale"


def fact_age(
    record: Institution,
    field: str,
    *,
    today: date,
    current_days: int = CURRENT_DAYS,
    ageing_days: int = AGEING_DAYS,
) -> FactAge:
    """The age of ``record``'s fact ``field`` on ``today``.

    Args:
        record: The institution.
        field: ``phones``, ``emails``, ``address``, ``hours`` or ``website`` (or the record
            field ``locations``).
        today: The day the fact is shown (passed in, so that answers and tests agree).
        current_days: Up to this many days old, a fact is ``current``.
        ageing_days: Up to this many days old, ``ageing``; beyond, ``stale``.

    Returns:
        A :class:`FactAge`; ``unknown`` when the record has no ``assured`` entry for it.

    Raises:
        ValueError: for an unknown field or inconsistent thresholds.
    """
    record_field = FACT_AGE_FIELDS.get(field, field if field == "locations" else None)
    if record_field is None:
        raise ValueError(f"unknown fact field {field!r}; allowed: {', '.join(FACT_AGE_FIELDS)}")
    assurance = record.assured.get(record_field)
    assured_date = assurance.assured_date if assurance is not None else None
    status = freshness_status(
        assured_date, today=today, current_days=current_days, ageing_days=ageing_days
    )
    return FactAge(field=field, status=status, assured_date=assured_date)
