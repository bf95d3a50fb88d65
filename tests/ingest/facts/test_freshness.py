"""The age of a fact: current up to 183 days, ageing up to 548, stale beyond, unknown undated."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from ingest import Assurance, FactAge, FreshnessStatus, Institution, fact_age
from ingest.facts import freshness_status
from permanence.settings import FactSettings

pytestmark = pytest.mark.unit

TODAY = date(2026, 12, 3)


def _record(**assured: date) -> Institution:
    return Institution.model_validate(
        {
            "id": "test-record",
            "name": "Test",
            "categories": ["aide_sociale"],
            "description": "A record written for the freshness rules, long enough to be valid.",
            "phones": [{"number": "+41 32 721 23 25"}],
            "hours": "Mo-Fr 08:00-12:00",
            "sources": ["https://example.ch/contact"],
            "provenance": {"phones": ["https://example.ch/contact"]},
            "assured": {
                field: {"assured_date": day, "assured_by": "test", "source": None}
                for field, day in assured.items()
            },
            "last_verified": TODAY,
        }
    )


@pytest.mark.parametrize(
    ("age_days", "status"),
    [
        pytest.param(0, "current", id="today"),
        pytest.param(183, "current", id="last-current-day"),
        pytest.param(184, "ageing", id="first-ageing-day"),
        pytest.param(548, "ageing", id="last-ageing-day"),
        pytest.param(549, "stale", id="first-stale-day"),
        pytest.param(3650, "stale", id="ten-years"),
        pytest.param(-5, "current", id="future-date-counts-as-today"),
    ],
)
def test_status_by_age(age_days: int, status: FreshnessStatus) -> None:
    record = _record(phones=TODAY - timedelta(days=age_days))
    assert fact_age(record, "phones", today=TODAY) == FactAge(
        field="phones", status=status, assured_date=TODAY - timedelta(days=age_days)
    )


def test_undated_fact_is_unknown_even_when_last_verified_is_today() -> None:
    record = _record()
    assert record.last_verified == TODAY
    assert fact_age(record, "phones", today=TODAY) == FactAge("phones", "unknown", None)


@pytest.mark.parametrize(
    ("field", "record_field"),
    [
        pytest.param("address", "locations", id="address-is-locations"),
        pytest.param("locations", "locations", id="record-field-name"),
        pytest.param("hours", "hours", id="hours"),
        pytest.param("emails", "emails", id="emails"),
        pytest.param("website", "website", id="website"),
    ],
)
def test_field_names(field: str, record_field: str) -> None:
    day = date(2020, 1, 1)
    age = fact_age(_record(**{record_field: day}), field, today=TODAY)
    assert (age.field, age.status, age.assured_date) == (field, "stale", day)


def test_thresholds_are_parameters() -> None:
    record = _record(hours=TODAY - timedelta(days=100))
    assert fact_age(record, "hours", today=TODAY).status == "current"
    assert fact_age(record, "hours", today=TODAY, current_days=90).status == "ageing"
    assert fact_age(record, "hours", today=TODAY, current_days=30, ageing_days=60).status == "stale"


@pytest.mark.parametrize(
    ("field", "current", "ageing"),
    [
        pytest.param("fax", 183, 548, id="unknown-field"),
        pytest.param("phones", 200, 100, id="ageing-before-current"),
        pytest.param("phones", -1, 548, id="negative"),
    ],
)
def test_refuses_bad_arguments(field: str, current: int, ageing: int) -> None:
    with pytest.raises(ValueError, match=r"fax|thresholds"):
        fact_age(_record(), field, today=TODAY, current_days=current, ageing_days=ageing)


def test_settings_defaults_match_the_function_and_refuse_disorder() -> None:
    settings = FactSettings()
    day = TODAY - timedelta(days=settings.current_days + 1)
    assert freshness_status(day, today=TODAY) == "ageing"
    assert (
        freshness_status(
            day,
            today=TODAY,
            current_days=settings.current_days,
            ageing_days=settings.ageing_days,
        )
        == "ageing"
    )
    with pytest.raises(ValidationError, match="ageing_days"):
        FactSettings(current_days=600, ageing_days=548)


def test_assurance_of_another_field_does_not_date_this_one() -> None:
    record = _record(emails=TODAY)
    assert isinstance(record.assured["emails"], Assurance)
    assert fact_age(record, "phones", today=TODAY).status == "unknown"
