"""The extractive composer writes for the reader (issue 17): real records, real templates."""

from __future__ import annotations

import re
from datetime import date

import pytest

from assistant_api.answer.composer import ComposedAnswer, ExtractiveComposer
from assistant_api.answer.reader import FIRST_ISOLATE, POP_ISOLATE, pick_location, pick_phone
from assistant_api.answer.templates import AnswerTemplates
from ingest import Institution
from ingest.corpus import load_communes, load_corpus
from permanence.settings import PROJECT_ROOT
from tests.fiche_hits import fiche_hit

TODAY = date(2026, 12, 3)


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
    question: str,
    ids: list[str],
    commune: str | None = None,
) -> ComposedAnswer:
    return ExtractiveComposer(today=TODAY).compose(
        question=question,
        templates=templates.get(language),
        hits=[fiche_hit(i) for i in ids],
        records=records,
        commune=commune,
    )


def test_arabic_answer_names_each_institution_once_and_says_what_it_does_in_arabic(
    records: dict[str, Institution], templates: AnswerTemplates
) -> None:
    answer = _compose(
        records,
        templates,
        "ar",
        "مالك الشقة رفع الإيجار، هل يمكنني الاعتراض؟",
        ["asloca-neuchatel"],
    )
    text = answer.answer
    name = records["asloca-neuchatel"].name
    assert text.count(name) == 1
    assert f"**{FIRST_ISOLATE}{name}{POP_ISOLATE}**" in text
    assert "استشارة في الإيجار" in text  # the tenancy term's Arabic label, not "droit du bail"
    assert "droit du bail" not in text
    assert "(à confirmer)" not in text and "(بحاجة إلى تأكيد)" not in text
    assert f"{FIRST_ISOLATE}+41 32 724 54 24{POP_ISOLATE}" in text
    assert "2015" in text  # the phone was assured in 2015: stale, said once
    card = answer.institutions[0]
    assert name not in card.why
    assert card.note == templates.get("ar").checked_in.format(year=2015)


def test_the_site_serving_the_askers_commune_is_shown(
    records: dict[str, Institution], templates: AnswerTemplates
) -> None:
    answer = _compose(
        records, templates, "fr", "contester mon congé", ["conciliation-bail"], "Val-de-Travers"
    )
    assert "Littoral et du Val-de-Travers" in answer.answer
    assert "Montagnes" not in answer.answer
    assert answer.institutions[0].address is not None
    assert "Val-de-Travers" in answer.institutions[0].address


@pytest.mark.parametrize(
    ("commune", "expected"),
    [
        pytest.param("Val-de-Travers", "+41 32 889 86 65", id="own-region-label"),
        pytest.param("La Chaux-de-Fonds", "+41 32 889 66 45", id="montagnes"),
        pytest.param(None, "+41 32 889 66 40", id="unknown-commune-first"),
    ],
)
def test_phone_for_the_askers_place(
    records: dict[str, Institution], commune: str | None, expected: str
) -> None:
    record = records["office-protection-enfant"]
    communes = load_communes()
    location = pick_location(record, commune, communes)
    phone = pick_phone(record, location, commune, communes)
    assert phone is not None and phone.number == expected


def test_hours_are_a_quoted_source_excerpt(
    records: dict[str, Institution], templates: AnswerTemplates
) -> None:
    with_hours = next(
        r.id for r in records.values() if r.hours and "hours" not in r.assured and r.service_terms
    )
    answer = _compose(records, templates, "en", "help", [with_hours])
    hours_line = next(line for line in answer.answer.splitlines() if "Opening hours" in line)
    assert re.search(f"Opening hours: {FIRST_ISOLATE}«.+»{POP_ISOLATE}", hours_line)


def test_a_need_selects_the_matching_service_not_the_first(
    records: dict[str, Institution], templates: AnswerTemplates
) -> None:
    gsr = records["gsr-neuchatel"]
    assert gsr.service_terms[0] != "health-insurance-subsidy"
    answer = _compose(records, templates, "de", "Krankenkasse Prämie zu teuer", ["gsr-neuchatel"])
    assert answer.institutions[0].why.startswith("Prämienverbilligung der Krankenkasse")
