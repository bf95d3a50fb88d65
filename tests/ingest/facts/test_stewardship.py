"""The stewardship order: most to check first, then oldest, then most used."""

from __future__ import annotations

from datetime import date

import pytest

from ingest import Institution
from ingest.facts import institution_facts, most_used, oldest_or_missing

pytestmark = pytest.mark.unit

TODAY = date(2026, 12, 3)


def _record(rid: str, *, with_hours: bool = True, **assured: date) -> Institution:
    return Institution.model_validate(
        {
            "id": rid,
            "name": rid.title(),
            "categories": ["aide_sociale"],
            "description": "A record written for the stewardship rules, long enough to be valid.",
            "phones": [{"number": "+41 32 721 23 25"}],
            "locations": [{"street": "Rue du Test 1", "postal_code": "2000", "commune": "NE"}],
            "hours": "Mo-Fr 08:00-12:00" if with_hours else None,
            "sources": ["https://example.ch/"],
            "assured": {
                f: {"assured_date": d, "assured_by": "test", "source": None}
                for f, d in assured.items()
            },
            "last_verified": TODAY,
        }
    )


CURRENT = date(2026, 11, 1)
FRESH = _record("fresh", phones=CURRENT, locations=CURRENT, hours=CURRENT)
OLD = _record("old", phones=date(2019, 1, 1), locations=CURRENT, hours=CURRENT)
NO_HOURS = _record("no-hours", with_hours=False, phones=CURRENT, locations=CURRENT)
UNDATED = _record("undated")


def test_institution_facts_lists_ages_and_missing() -> None:
    row = institution_facts(NO_HOURS, today=TODAY, current_days=183, ageing_days=548)
    assert [(f.field, f.status) for f in row.facts] == [
        ("phones", "current"),
        ("address", "current"),
    ]
    assert (row.missing, row.oldest, row.to_check) == (("hours",), CURRENT, 2)


def test_order_most_to_check_then_oldest() -> None:
    rows = oldest_or_missing(
        [FRESH, OLD, NO_HOURS, UNDATED], today=TODAY, current_days=183, ageing_days=548
    )
    assert [(r.id, r.to_check) for r in rows] == [("undated", 6), ("old", 2), ("no-hours", 2)]


def test_most_used_counts_answers_and_ignores_unused() -> None:
    rows = most_used(
        [FRESH, OLD, UNDATED],
        {"old": 3, "fresh": 7, "gone": 9},
        today=TODAY,
        current_days=183,
        ageing_days=548,
    )
    assert [(r.id, r.answers) for r in rows] == [("fresh", 7), ("old", 3)]
