"""The extractive composer shows a recent structured schedule in the asker's language."""

from __future__ import annotations

from datetime import datetime

import pytest

from assistant_api.answer.composer import ComposedAnswer, ExtractiveComposer
from assistant_api.answer.hours import ZURICH
from assistant_api.answer.templates import AnswerTemplates
from ingest import Institution
from ingest.corpus import load_corpus
from permanence.settings import PROJECT_ROOT
from tests.fiche_hits import fiche_hit

#: Thursday 3 December 2026, 10:00 in Neuchâtel.
THURSDAY_10H = datetime(2026, 12, 3, 10, 0, tzinfo=ZURICH)


@pytest.fixture(scope="module")
def records() -> dict[str, Institution]:
    return {r.id: r for r in load_corpus(PROJECT_ROOT / "corpora" / "neuchatel")}


@pytest.fixture(scope="module")
def templates() -> AnswerTemplates:
    return AnswerTemplates(PROJECT_ROOT / "prompts" / "answer")


def _compose(
    records: dict[str, Institution],
    templates: AnswerTemplates,
    language: str,
    ids: list[str],
    now: datetime = THURSDAY_10H,
) -> ComposedAnswer:
    return ExtractiveComposer(clock=lambda: now).compose(
        question="carte d'identité",
        templates=templates.get(language),
        hits=[fiche_hit(i) for i in ids],
        records=records,
        commune=None,
    )


def _with_recent_schedule(records: dict[str, Institution]) -> str:
    return next(
        r.id
        for r in records.values()
        if r.locations
        and any(
            s.as_of and (THURSDAY_10H.date() - s.as_of).days < 548 for s in r.locations[0].schedules
        )
    )


def test_recent_schedule_is_rendered_in_german_with_open_now(
    records: dict[str, Institution], templates: AnswerTemplates
) -> None:
    record_id = _with_recent_schedule(records)
    answer = _compose(records, templates, "de", [record_id])
    line = next(li for li in answer.answer.splitlines() if "Öffnungszeiten" in li)
    assert "«" not in line and "Uhr" in line and "jetzt geöffnet" in line
    card = answer.institutions[0]
    assert card.open_now is True
    assert card.opening is not None and card.opening.startswith("jetzt geöffnet")
    assert card.hours is not None and "Mo." in card.hours


def test_arabic_answer_says_closed_and_the_next_opening(
    records: dict[str, Institution], templates: AnswerTemplates
) -> None:
    record_id = _with_recent_schedule(records)
    saturday = datetime(2026, 12, 5, 11, 0, tzinfo=ZURICH)
    answer = _compose(records, templates, "ar", [record_id], now=saturday)
    card = answer.institutions[0]
    assert card.open_now is False
    assert card.opening == "مغلق الآن · الفتح التالي: الاثنين 08:30"
    assert "الاثنين" in (card.hours or "")


def test_stale_schedule_is_neither_rendered_nor_said_open(
    records: dict[str, Institution], templates: AnswerTemplates
) -> None:
    record_id = _with_recent_schedule(records)
    two_years_on = datetime(2028, 6, 1, 10, 0, tzinfo=ZURICH)  # a Thursday: it would be open
    answer = _compose(records, templates, "en", [record_id], now=two_years_on)
    card = answer.institutions[0]
    assert card.open_now is None and card.opening is None
    assert "open now" not in answer.answer
    assert card.hours == records[record_id].hours  # the card keeps the French text
