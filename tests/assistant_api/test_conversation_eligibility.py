"""Age, permit, "the other one" and "closer to me": read from the words, on the real records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from assistant_api.conversation import ConversationLexicon, FollowUpReader, Turn
from assistant_api.conversation.eligibility import AgeRange, EligibilityReader, preference
from assistant_api.runtime import build_communes
from assistant_api.triage.language import SUPPORTED_LANGUAGES
from ingest import Institution
from ingest.corpus.loader import load_corpus
from permanence.lexicon import fold_pattern
from permanence.settings import PROJECT_ROOT

CORPUS = PROJECT_ROOT / "corpora" / "neuchatel"


@pytest.fixture(scope="module")
def records() -> dict[str, Institution]:
    return {record.id: record for record in load_corpus(Path(CORPUS))}


@pytest.fixture(scope="module")
def eligibility() -> EligibilityReader:
    return EligibilityReader(ConversationLexicon.load().eligibility)


@pytest.mark.unit
def test_folding_a_pattern_keeps_its_regex_syntax() -> None:
    # Lower-casing \W into \w or (?P<age> into (?p<age> would change or break the pattern.
    assert fold_pattern(r"\b(?P<age>\d+) ÉTÉ\W(?P=age)\S") == r"\b(?P<age>\d+) ete\W(?P=age)\S"


@pytest.mark.unit
@pytest.mark.parametrize(
    ("record_id", "ages"),
    [
        pytest.param("perce-neige-consultation-precoce-autisme", AgeRange(0, 6), id="preschool"),
        pytest.param("job-service", AgeRange(15, 25), id="numbers-win-over-words"),
        pytest.param("office-protection-enfant", AgeRange(0, 18), id="up-to-18"),
        pytest.param("pro-senectute-arc-jurassien", AgeRange(60, 120), id="retirement-age"),
        pytest.param("la-main-tendue-143", None, id="anyone-adults-in-particular"),
        pytest.param("cnp-centre-neuchatelois-de-psychiatrie", None, id="children-and-adults"),
        pytest.param("vivre-sans-fumer", None, id="young-only-in-a-list"),
    ],
)
def test_the_ages_a_record_takes(
    records: dict[str, Institution],
    eligibility: EligibilityReader,
    record_id: str,
    ages: AgeRange | None,
) -> None:
    assert eligibility.age_range(records[record_id]) == ages


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("j'ai 14 ans", 14),
        ("عمره ٣ سنوات", 3),  # Arabic-Indic digit
        ("پسرم ۸ ساله است", 8),  # Persian digit
        ("ich bin 72 Jahre alt", 72),
        ("мне 16 лет", 16),
        ("I'm 17 and I left school", 17),
        ("ho 80 anni", 80),
        ("je suis à la retraite", 67),
        ("j'ai besoin d'aide pour mon loyer", None),
        ("j'ai 2 enfants", None),  # a number, not an age
    ],
)
def test_an_age_the_person_gives(
    eligibility: EligibilityReader, text: str, age: int | None
) -> None:
    assert eligibility.stated_age(text) == age


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("من مجوز F دارم", "asylum"),
        ("Ich habe Ausweis F", "asylum"),
        ("j'ai un permis N", "asylum"),
        ("I have a B permit", "settled"),
        ("j'ai le permis C depuis 2010", "settled"),
        ("у меня вид на жительство B", "settled"),
        ("je suis requérant d'asile", "asylum"),
        ("je cherche un travail à Neuchâtel", None),
    ],
)
def test_a_permit_the_person_names(
    eligibility: EligibilityReader, text: str, status: str | None
) -> None:
    assert eligibility.stated_permit(text) == status


@pytest.mark.unit
def test_when_age_or_permit_decide_the_door(
    records: dict[str, Institution], eligibility: EligibilityReader
) -> None:
    adults_and_young = [records["la-main-tendue-143"], records["pro-juventute-147"]]
    assert eligibility.age_decides(adults_and_young)
    same_public = [records["la-main-tendue-143"], records["caritas-neuchatel"]]
    assert not eligibility.age_decides(same_public)
    # A bounded door only third does not make the age worth asking.
    third = [records["la-main-tendue-143"], records["caritas-neuchatel"], records["job-service"]]
    assert not eligibility.age_decides(third)
    mixed = [records["service-migrations"], records["csp-neuchatel"]]
    assert eligibility.permit_decides(mixed)
    assert not eligibility.permit_decides([records["csp-neuchatel"], records["caritas-neuchatel"]])


@pytest.mark.unit
def test_the_order_for_a_known_age_and_permit(
    records: dict[str, Institution], eligibility: EligibilityReader
) -> None:
    youth, adults = records["pro-juventute-147"], records["la-main-tendue-143"]
    assert preference(eligibility, youth, age=14, permit=None) == 1
    assert preference(eligibility, adults, age=14, permit=None) == 1  # takes anyone
    assert preference(eligibility, records["pro-senectute-arc-jurassien"], age=14, permit=None) == 2
    asylum_only = records["bel-horizon"]
    assert preference(eligibility, asylum_only, age=None, permit="asylum") == 0
    assert preference(eligibility, asylum_only, age=None, permit="settled") == 2
    # The migration service also serves other foreign residents: a B permit keeps it.
    assert preference(eligibility, records["service-migrations"], age=None, permit="settled") == 1


@pytest.mark.unit
def test_the_new_questions_exist_in_every_language() -> None:
    lexicon = ConversationLexicon.load()
    for language in SUPPORTED_LANGUAGES:
        frames = lexicon.frames(language)
        for question in (frames.ask_age, frames.ask_permit):
            assert any(mark in question for mark in ("?", "؟")), (language, question)
            assert question != lexicon.frames("fr").ask_age or language == "fr"
    assert len(lexicon.references["other"]) == len(lexicon.references["closer"]) == 13


@pytest.fixture(scope="module")
def reader(records: dict[str, Institution]) -> FollowUpReader:
    from index import Glossary

    return FollowUpReader(
        communes=build_communes(list(records.values())),
        lexicon=ConversationLexicon.load(),
        glossary=Glossary.from_file(PROJECT_ROOT / "corpora" / "glossary.yaml"),
    )


def _turn(doors: tuple[str, ...]) -> Turn:
    need = "je n'arrive plus a payer mon loyer"
    return Turn(
        question=need,
        need=need,
        language="fr",
        commune=None,
        kind="orientation",
        institution_ids=doors,
    )


@pytest.mark.integration
@pytest.mark.parametrize(
    ("question", "kind", "field"),
    [
        pytest.param("et l'autre ?", "other", None, id="fr-other"),
        pytest.param("what are the opening hours of the other one?", "other", "hours", id="en"),
        pytest.param("и какой телефон у второго?", "other", "phone", id="ru-other-phone"),
        pytest.param("y a-t-il quelque chose de plus près de chez moi ?", "closer", None, id="fr"),
        pytest.param("gibt es etwas näher?", "closer", None, id="de-closer"),
        pytest.param("هل يوجد مكان أقرب؟", "closer", None, id="ar-closer"),
        pytest.param("j'ai 70 ans", "age", None, id="fr-age"),
        pytest.param("من مجوز F دارم", "permit", None, id="fa-permit"),
    ],
)
def test_references_and_eligibility_follow_ups(
    reader: FollowUpReader, question: str, kind: str, field: str | None
) -> None:
    follow = reader.read(question, _turn(("caritas-neuchatel", "csp-neuchatel")))
    assert (follow.kind, follow.field) == (kind, field)


@pytest.mark.integration
def test_the_other_one_needs_two_doors(reader: FollowUpReader) -> None:
    # With a single door, "l'autre" cannot point anywhere: it is more of the same need.
    assert reader.read("et l'autre ?", _turn(("caritas-neuchatel",))).kind == "refine"


def _ask(server: str, question: str, conversation_id: str | None = None) -> dict[str, Any]:
    body = {"question": question, "conversation_id": conversation_id}
    response = httpx.post(f"{server}/v1/ask", json=body, timeout=120)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def _doors(answer: dict[str, Any]) -> list[str]:
    return [card["id"] for card in answer["institutions"]]


@pytest.mark.integration
def test_the_age_is_asked_when_it_decides_and_then_orders_the_doors(api_server: str) -> None:
    # The tiny corpus: the child-protection office takes people up to 18, the listening line
    # anyone; both are shown, so the age decides which comes first.
    first = _ask(api_server, "mon fils ne va pas bien, il a besoin de parler à quelqu'un")
    assert set(_doors(first)[:2]) == {"office-protection-enfant", "la-main-tendue-143"}, first
    assert first["clarification"]["field"] == "age"
    assert first["clarification"]["question"] == ConversationLexicon.load().frames("fr").ask_age
    adult = _ask(api_server, "il a 19 ans", first["conversation_id"])
    assert adult["clarification"] is None  # asked once, answered
    doors = _doors(adult)
    assert doors[0] == "la-main-tendue-143"  # the door for a 19-year-old first
    again = _ask(api_server, "mon fils ne va pas bien, il a besoin de parler à quelqu'un")
    child = _ask(api_server, "il a 12 ans", again["conversation_id"])
    assert _doors(child)[0] == "office-protection-enfant"


@pytest.mark.integration
def test_the_other_one_and_closer_to_me(api_server: str) -> None:
    rent = _ask(api_server, "I cannot pay my rent any more")
    assert rent["clarification"]["field"] == "commune"  # cannot pay: the regional counter
    local = _ask(api_server, "I live in Cernier", rent["conversation_id"])
    assert local["commune"] == "Val-de-Ruz"
    doors = _doors(local)[:3]
    assert doors[0] == "gsr-val-de-ruz" and len(doors) > 1
    other = _ask(api_server, "and the other one?", rent["conversation_id"])
    assert _doors(other) == [doors[1]]  # the second door, its contact from the record
    assert other["language"] == "en" and other["citations"]
    again = _ask(api_server, "what are the hours of the other one?", rent["conversation_id"])
    assert _doors(again) == [doors[0]]  # not the one just talked about
    job = _ask(api_server, "I have just lost my job")
    closer = _ask(api_server, "is there an office closer to me?", job["conversation_id"])
    assert closer["clarification"]["field"] == "commune"  # asked again: closer needs it
    there = _ask(api_server, "I live in La Chaux-de-Fonds", job["conversation_id"])
    assert there["commune"] == "La Chaux-de-Fonds"
    assert "gsr-neuchatel" not in _doors(there)  # the offices of the person's region
