"""The LLM composer's prompt carries the extractive composer's structured facts (issue 17).

Real records of the corpus, real templates, vocabulary and commune table, a real HTTP client
to the test model on 127.0.0.1. The expected facts are asked of the reader's own functions
(``matched_terms``, ``pick_location``, ``pick_phone``), so the test checks that the prompt
carries what the reader chose for this asker, not a copy of today's corpus.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from fastapi import FastAPI

from assistant_api.answer.composer import ComposedAnswer, ExtractiveComposer
from assistant_api.answer.reader import matched_terms, pick_location, pick_phone
from assistant_api.answer.templates import AnswerTemplates
from assistant_api.llm import ChatClient, LLMComposer, LLMPrompts
from index import Glossary
from ingest import Institution
from ingest.corpus import CommuneTable, Vocabulary, load_communes, load_corpus, load_vocabulary
from permanence.settings import PROJECT_ROOT
from tests.fiche_hits import fiche_hit

pytestmark = pytest.mark.integration

TODAY = date(2026, 12, 3)
CHILD = "office-protection-enfant"
DEBTS = "caritas-neuchatel"


@pytest.fixture(scope="module")
def records() -> dict[str, Institution]:
    return {r.id: r for r in load_corpus(PROJECT_ROOT / "corpora" / "neuchatel")}


@pytest.fixture(scope="module")
def templates() -> AnswerTemplates:
    return AnswerTemplates(PROJECT_ROOT / "prompts" / "answer")


@pytest.fixture(scope="module")
def lexicons() -> tuple[Vocabulary, Glossary, CommuneTable]:
    glossary = Glossary.from_file(PROJECT_ROOT / "corpora" / "glossary.yaml")
    return load_vocabulary(), glossary, load_communes()


@pytest.fixture
def composer(
    obedient_llm: tuple[str, FastAPI],
    records: dict[str, Institution],
    lexicons: tuple[Vocabulary, Glossary, CommuneTable],
) -> Iterator[Callable[[str], LLMComposer]]:
    made: list[LLMComposer] = []

    def _make(model: str) -> LLMComposer:
        vocabulary, glossary, communes = lexicons
        extractive = ExtractiveComposer(
            vocabulary=vocabulary, glossary=glossary, communes=communes, today=TODAY
        )
        llm = LLMComposer(
            client=ChatClient(obedient_llm[0], model=model, timeout_s=10),
            prompts=LLMPrompts.load(PROJECT_ROOT / "prompts" / "llm"),
            is_instruction=lambda text: False,
            records=records,
            extractive=extractive,
        )
        made.append(llm)
        return llm

    yield _make
    for llm in made:
        llm.close()


def _ask(
    composer: LLMComposer,
    templates: AnswerTemplates,
    records: dict[str, Institution],
    *,
    language: str,
    question: str,
    ids: list[str],
    commune: str | None,
) -> ComposedAnswer:
    return composer.compose(
        question=question,
        templates=templates.get(language),
        hits=[fiche_hit(i) for i in ids],
        records=records,
        commune=commune,
    )


def _prompt(app: FastAPI) -> str:
    return str(app.state.requests[-1]["messages"][1]["content"])


@pytest.mark.parametrize(
    ("language", "question", "commune"),
    [
        pytest.param("de", "Mein Kind ist in Gefahr, und ich habe Schulden.", "Le Locle", id="de"),
        pytest.param("ar", "طفلي في خطر ولدي ديون", "La Chaux-de-Fonds", id="ar"),
        pytest.param("fr", "Mon enfant est en danger et j'ai des dettes.", "Neuchâtel", id="fr"),
    ],
)
def test_prompt_carries_the_terms_in_the_askers_language_and_the_communes_contact(
    composer: Callable[[str], LLMComposer],
    obedient_llm: tuple[str, FastAPI],
    records: dict[str, Institution],
    templates: AnswerTemplates,
    lexicons: tuple[Vocabulary, Glossary, CommuneTable],
    language: str,
    question: str,
    commune: str,
) -> None:
    vocabulary, glossary, communes = lexicons
    answer = _ask(
        composer("facts"),
        templates,
        records,
        language=language,
        question=question,
        ids=[CHILD, DEBTS],
        commune=commune,
    )
    prompt = _prompt(obedient_llm[1])
    concepts = glossary.concepts(question)
    for institution_id in (CHILD, DEBTS):
        record = records[institution_id]
        terms = matched_terms(
            record,
            vocabulary,
            question=question,
            language=language,
            concepts=concepts,
            french_words=glossary.french_words(concepts),
        )
        assert terms, institution_id
        for term in terms:  # the first label of a sentence gets a capital letter
            assert term.label(language).casefold() in prompt.casefold(), (institution_id, term.id)
        location = pick_location(record, commune, communes)
        phone = pick_phone(record, location, commune, communes)
        assert location is not None
        assert len(record.locations) > 1  # the site's name is kept to tell sites apart
        assert f"Address (serves {commune}): {location.one_line()}" in prompt
        if phone is not None:
            assert f"Phone to call first (serves {commune}): {phone.number}" in prompt
        else:
            assert f"Website: {record.website}" in prompt  # its only contact on record
    # The facts sit under the source their card cites, and the model's text built from them
    # (the commune's number included) passes the check.
    child_card = next(c for c in answer.institutions if c.id == CHILD)
    block = prompt.split(f"[{child_card.citations[0]}] ", 1)[1].split("\n\n", 1)[0]
    assert f"Institution: {records[CHILD].name}" in block
    assert answer.answer.startswith(f"{child_card.why} [1] Téléphone: {child_card.phones[0]} [1].")


def test_the_communes_contact_changes_the_prompt(
    composer: Callable[[str], LLMComposer],
    obedient_llm: tuple[str, FastAPI],
    records: dict[str, Institution],
    templates: AnswerTemplates,
) -> None:
    """Two communes served by different antennas get different numbers in the prompt."""
    llm = composer("facts")
    prompts = {}
    for commune in ("Le Locle", "Boudry"):
        _ask(
            llm,
            templates,
            records,
            language="fr",
            question="Mon enfant est en danger",
            ids=[CHILD],
            commune=commune,
        )
        prompts[commune] = _prompt(obedient_llm[1])
    numbers = {p.number for p in records[CHILD].phones}
    shown = {c: {n for n in numbers if n in prompts[c]} for c in prompts}
    assert len(shown["Le Locle"]) == len(shown["Boudry"]) == 1
    assert shown["Le Locle"] != shown["Boudry"]


def test_hours_are_given_only_when_the_extractive_answer_shows_them(
    composer: Callable[[str], LLMComposer],
    obedient_llm: tuple[str, FastAPI],
    records: dict[str, Institution],
    templates: AnswerTemplates,
) -> None:
    answer = _ask(
        composer("facts"),
        templates,
        records,
        language="fr",
        question="Mon enfant est en danger",
        ids=[CHILD],
        commune="Neuchâtel",
    )
    prompt = _prompt(obedient_llm[1])
    hours = records[CHILD].hours
    assert hours
    shown = (
        f"«{hours}»"
        in ExtractiveComposer(today=TODAY)
        .compose(
            question="Mon enfant est en danger",
            templates=templates.get("fr"),
            hits=[fiche_hit(CHILD)],
            records=records,
            commune="Neuchâtel",
        )
        .answer
    )
    assert (f"«{hours}»" in prompt) == shown
    assert answer.institutions[0].hours == hours  # the card keeps them either way
