"""The comparison rules, record by record (pure functions, no store)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ingest.facts import Fact, InstitutionPage, compare_institution
from ingest.records import Institution, Location

pytestmark = pytest.mark.unit

PAGE = "https://site.test/contact"
T = datetime(2026, 12, 1, tzinfo=UTC)


def _record(**fields: object) -> Institution:
    base: dict[str, object] = {
        "id": "test",
        "name": "Test",
        "categories": ["sante"],
        "description": "A record for the comparison rules, with nothing else to say here.",
        "sources": [PAGE],
        "last_verified": "2026-11-22",
    }
    return Institution.model_validate({**base, **fields})


def _page(*facts: Fact, gone: bool = False, url: str = PAGE) -> InstitutionPage:
    return InstitutionPage(url=url, facts=facts, fetched_at=T, gone=gone)


def _phone(number: str, kind: str = "phone") -> Fact:
    return Fact(kind=kind, value=number, source_url=PAGE, snippet=number)  # type: ignore[arg-type]


def _statuses(record: Institution, *pages: InstitutionPage) -> set[tuple[str, str, str | None]]:
    return {(d.field, d.status, d.value) for d in compare_institution(record, list(pages))}


@pytest.mark.parametrize(
    ("record", "page", "expected"),
    [
        pytest.param(
            {"phones": []},
            [_phone("+41 32 721 23 25")],
            {("phone", "new", "+41 32 721 23 25")},
            id="empty-record-new",
        ),
        pytest.param(
            {"phones": [{"number": "+41 32 721 23 25"}]},
            [_phone("+41 32 721 23 25")],
            set(),
            id="confirmed",
        ),
        pytest.param(
            {"phones": [{"number": "+41 32 721 23 25"}]},
            [_phone("+41 32 721 23 25"), _phone("+41 32 886 80 70")],
            {("phone", "new", "+41 32 886 80 70")},
            id="second-number-new",
        ),
        pytest.param(
            {"phones": [{"number": "+41 32 886 80 70"}]},
            [_phone("+41 32 721 23 25")],
            {("phone", "changed", "+41 32 721 23 25")},
            id="replaced-changed",
        ),
        pytest.param(
            {"phones": [{"number": "+41 32 717 74 39"}]},
            [_phone("+41 32 717 74 39", "fax")],
            {("phone", "contradicted", "fax +41 32 717 74 39")},
            id="record-phone-is-a-fax",
        ),
        pytest.param(
            {"phones": [{"number": "+41 32 886 80 70"}], "provenance": {"phones": [PAGE]}},
            [],
            {("phone", "no_longer_found", None)},
            id="cited-page-no-longer-shows-it",
        ),
        pytest.param(
            {"phones": [{"number": "+41 32 886 80 70"}]},
            [],
            set(),
            id="uncited-page-says-nothing",
        ),
    ],
)
def test_phone_rules(record: dict[str, object], page: list[Fact], expected: set[object]) -> None:
    assert _statuses(_record(**record), _page(*page)) == expected


def test_a_gone_cited_page_makes_the_value_no_longer_found() -> None:
    record = _record(emails=["LNCC@ne.ch"], provenance={"emails": [PAGE]})
    (draft,) = compare_institution(record, [_page(gone=True)])
    assert (draft.status, draft.current_value, draft.snippet) == (
        "no_longer_found",
        "LNCC@ne.ch",
        "the page is gone",
    )


def _hours(value: str) -> Fact:
    return Fact(kind="hours", value=value, source_url=PAGE, snippet=value)


@pytest.mark.parametrize(
    ("hours", "shown", "expected"),
    [
        pytest.param(
            None, ["Mo-Fr 08:00-12:00"], {("hours", "new", "Mo-Fr 08:00-12:00")}, id="new"
        ),
        pytest.param("lu-ve 8h-12h (2016)", ["Mo-Fr 08:00-12:00"], set(), id="same-week"),
        pytest.param(
            "lu-ve 8h-12h",
            ["Mo-Th 08:00-12:00"],
            {("hours", "changed", "Mo-Th 08:00-12:00")},
            id="changed",
        ),
        pytest.param(
            "lu-ve 8h-12h",
            ["Mo-Fr 08:00-12:00", "Mo-Th 08:00-12:00"],
            {("hours", "contradicted", "Mo-Th 08:00-12:00")},
            id="contradicted",
        ),
        pytest.param(
            "après-midi en semaine",
            ["Mo-Fr 14:00-17:00"],
            {("hours", "changed", "Mo-Fr 14:00-17:00")},
            id="unreadable-record-hours",
        ),
    ],
)
def test_hours_rules(hours: str | None, shown: list[str], expected: set[object]) -> None:
    record = _record(hours=hours)
    assert _statuses(record, _page(*(_hours(h) for h in shown))) == expected


def test_addresses_match_across_writings() -> None:
    record = _record(
        locations=[{"street": "Rue Saint-Maurice 4", "postal_code": "2000", "commune": "Neuchâtel"}]
    )
    shown = Location(street="Rue St-Maurice 4", commune="Neuchâtel")
    fact = Fact(kind="address", value=shown.one_line(), source_url=PAGE, snippet="", location=shown)
    assert compare_institution(record, [_page(fact)]) == []
