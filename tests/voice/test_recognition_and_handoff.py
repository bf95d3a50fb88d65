"""Recognition hints built from the corpus, staffed hours of the hand-off, and their settings."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from assistant_api.models import AskResponse, InstitutionCard
from assistant_api.voice.domain import VoiceDomain
from assistant_api.voice.handoff import SWISS_TIME, handoff_staffed, spoken_handoff_hours
from assistant_api.voice.phone_prompts import chosen_language
from assistant_api.voice.recognition import NO_HINTS, glossary_french_needs
from index import Glossary
from ingest.corpus_sync import read_institutions
from permanence.settings import Settings
from tests.conftest import TINY_CORPUS

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def domain() -> VoiceDomain:
    settings = Settings()
    records = {r.id: r for r in read_institutions(TINY_CORPUS)}
    return VoiceDomain.load(
        glossary=Glossary.from_file(settings.glossary_path),
        glossary_path=settings.glossary_path,
        records=records,
    )


def test_french_hints_name_the_glossarys_needs_and_the_canton(domain: VoiceDomain) -> None:
    assert domain.vocabulary is not None
    hints = domain.vocabulary.hints("fr", prompt=True, hotwords=True)
    assert hints.initial_prompt is not None and hints.hotwords is not None
    needs = hints.initial_prompt.split(", ")
    assert {"loyer", "dettes", "chômage", "violence", "permis"} <= set(needs)
    assert hints.hotwords.startswith("Neuchâtel Laténa Cornaux")
    assert "Fleurier" in hints.hotwords and "La Chaux-de-Fonds" in hints.hotwords
    assert " ORP " in f" {hints.hotwords} " and " SAVI " in f" {hints.hotwords} "


def test_other_languages_are_prompted_in_their_own_words(domain: VoiceDomain) -> None:
    assert domain.vocabulary is not None
    german = domain.vocabulary.hints("de", prompt=True).initial_prompt
    assert german is not None and "Schulden und Rechnungen" in german
    assert "loyer" not in german
    both = domain.vocabulary.hints
    assert both("de", hotwords=True).hotwords == both("fr", hotwords=True).hotwords


def test_the_product_forces_the_language_without_hints(domain: VoiceDomain) -> None:
    # Measured: Whisper base echoes both hints into what it cannot read (docs/voice.md).
    assert domain.hints("it") == NO_HINTS
    assert domain.vocabulary is not None
    prompt = domain.vocabulary.hints("it", prompt=True).initial_prompt
    assert prompt is not None and "debiti e le fatture" in prompt


def test_the_answer_templates_generic_reasons_are_known(domain: VoiceDomain) -> None:
    assert domain.generic  # read from prompts/answer/*.yaml (why_generic or generic)


def test_no_hints_without_a_known_language(domain: VoiceDomain) -> None:
    assert domain.hints(None) == NO_HINTS


def _answer(language: str, why: str) -> AskResponse:
    card = InstitutionCard(id="orp", name="Office régional de placement", why=why)
    return AskResponse(kind="orientation", language=language, answer="", institutions=[card])


@pytest.mark.parametrize(
    ("language", "why", "does"),
    [
        pytest.param(
            "fr",
            "Office régional de placement peut vous aider pour : inscription au chômage (dès "
            "le premier jour); recherche d'emploi; mesures 2018. [1][2]",
            "inscription au chômage, recherche d'emploi",
            id="french-services-in-french",
        ),
        pytest.param(
            "de",
            "Office régional de placement hilft bei: inscription au chômage; recherche.",
            None,
            id="french-services-in-a-german-answer",
        ),
        pytest.param(
            "de",
            "Sozialhilfe (finanzielle Hilfe); Sozialberatung und Begleitung.",
            "Sozialhilfe, Sozialberatung und Begleitung",
            id="vocabulary-labels-of-the-language",
        ),
        pytest.param("de", "aide sociale (aide financière).", None, id="a-french-label-in-german"),
        pytest.param("en", "", None, id="empty"),
        pytest.param("fr", "S'occupe de ce genre de question.", None, id="generic"),
        pytest.param("de", "Kümmert sich um solche Fragen.", None, id="generic-de"),
    ],
)
def test_a_cards_why_is_read_only_in_the_callers_language(
    domain: VoiceDomain, language: str, why: str, does: str | None
) -> None:
    labels = {"de": frozenset({"sozialhilfe", "sozialberatung und begleitung"})}
    known = VoiceDomain(
        glossary=domain.glossary,
        records=domain.records,
        labels=labels,
        generic=frozenset({"s'occupe de ce genre de question", "kummert sich um solche fragen"}),
    )
    assert known.card_does(_answer(language, why)).get("orp") == does


def test_the_glossarys_french_needs_are_one_word_each() -> None:
    words = glossary_french_needs(Settings().glossary_path)
    assert words[:3] == ["loyer", "résiliation", "dettes"]
    assert len(words) == len(set(words))


@pytest.mark.parametrize(
    ("said", "language"),
    [
        pytest.param("Deutsch.", "de", id="name"),
        pytest.param("English, please", "en", id="with-please"),
        pytest.param("English Lee.", "en", id="whisper-on-espeak"),
        pytest.param("En français", "fr", id="french"),
        pytest.param("Türkçe", "tr", id="turkish"),
        pytest.param("العربية", "ar", id="arabic"),
        pytest.param("I lost my job", None, id="a-question"),
        pytest.param("Deutsch oder English", None, id="two-languages"),
        pytest.param("Ich spreche Deutsch und brauche Hilfe mit der Miete", None, id="long"),
    ],
)
def test_a_language_is_chosen_by_naming_it(said: str, language: str | None) -> None:
    assert chosen_language(said) == language


HOURS = "Mo-Fr 08:00-12:00,14:00-17:00"


@pytest.mark.parametrize(
    ("number", "hours", "when", "staffed"),
    [
        pytest.param("+41", HOURS, dt.datetime(2026, 1, 5, 9, 0), True, id="monday-morning"),
        pytest.param("+41", HOURS, dt.datetime(2026, 1, 5, 12, 30), False, id="lunch"),
        pytest.param("+41", HOURS, dt.datetime(2026, 1, 10, 9, 0), False, id="saturday"),
        pytest.param("+41", None, dt.datetime(2026, 1, 10, 3, 0), True, id="no-hours-always"),
        pytest.param(None, None, dt.datetime(2026, 1, 5, 9, 0), False, id="no-number"),
    ],
)
def test_the_handoff_is_staffed_in_its_hours_swiss_time(
    number: str | None, hours: str | None, when: dt.datetime, staffed: bool
) -> None:
    assert handoff_staffed(number, hours, when.replace(tzinfo=SWISS_TIME)) is staffed


def test_staffed_hours_are_checked_in_swiss_time() -> None:
    utc = dt.datetime(2026, 1, 5, 7, 30, tzinfo=dt.UTC)  # 08:30 in Neuchâtel in winter
    assert handoff_staffed("+41", HOURS, utc)


@pytest.mark.parametrize(
    ("hours", "language", "spoken"),
    [
        pytest.param(
            HOURS,
            "fr",
            "du lundi au vendredi, de huit heures à douze heures et de quatorze heures à "
            "dix-sept heures",
            id="fr",
        ),
        pytest.param("24/7", "de", "Tag und Nacht, jeden Tag", id="always"),
        pytest.param("Mo,We 09:00-11:30", "en", "Monday and Wednesday, from 9 to 11:30", id="en"),
        pytest.param(None, "fr", None, id="none"),
    ],
)
def test_the_queue_says_the_staffed_hours(
    hours: str | None, language: str, spoken: str | None
) -> None:
    assert spoken_handoff_hours(hours, language) == spoken


def test_telephony_settings_are_closed_by_default_and_checked() -> None:
    settings = Settings()
    assert settings.telephony.allow_unsigned is False
    assert settings.telephony.handoff_hours is None
    with pytest.raises(ValidationError, match="opening_hours syntax"):
        Settings(telephony={"handoff_hours": "weekdays 8 to 5"})  # type: ignore[arg-type]
