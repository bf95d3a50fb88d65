"""Answer templates in the 13 languages, and emergencies answered in the asker's language."""

from __future__ import annotations

import string
from pathlib import Path

import httpx
import pytest

from assistant_api.answer.templates import AnswerTemplates
from assistant_api.triage.language import RTL_LANGUAGES, SUPPORTED_LANGUAGES

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "prompts" / "answer"
PLACEHOLDERS = {
    "why": {"name", "services"},
    "why_generic": {"name"},
    "serves_commune": {"commune"},
}


@pytest.fixture(scope="module")
def templates() -> AnswerTemplates:
    return AnswerTemplates(TEMPLATES_DIR)


@pytest.mark.unit
def test_every_supported_language_has_a_template(templates: AnswerTemplates) -> None:
    assert templates.languages == sorted(SUPPORTED_LANGUAGES)


@pytest.mark.unit
@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_template_shape(templates: AnswerTemplates, language: str) -> None:
    template = templates.get(language)
    french = templates.get("fr")
    assert template.language == language
    assert template.direction == ("rtl" if language in RTL_LANGUAGES else "ltr")
    for field, expected in PLACEHOLDERS.items():
        text = getattr(template, field)
        assert {name for _, name, _, _ in string.Formatter().parse(text) if name} == expected
    assert set(template.emergency_labels) == set(french.emergency_labels)
    assert "Permanence" in template.out_of_scope
    if language != "fr":
        assert template.intro != french.intro
        assert template.out_of_scope != french.out_of_scope
    for number in ("143", "145", "147"):
        name = french.emergency_labels[number].split(",")[0]
        assert name in template.emergency_labels[number] or number == "143"


EMERGENCIES = [
    pytest.param("fr", "Je n'en peux plus, je veux me suicider ce soir", id="fr"),
    pytest.param("de", "Ich will nicht mehr leben, es hat alles keinen Sinn", id="de"),
    pytest.param("it", "Non voglio più vivere, voglio farla finita stasera", id="it"),
    pytest.param("en", "I want to end my life tonight, I can't go on", id="en"),
    pytest.param("pt", "Quero morrer, não aguento mais esta vida", id="pt"),
    pytest.param("es", "Ya no quiero vivir, quiero quitarme la vida", id="es"),
    pytest.param("ar", "أريد أن أموت، لا أستطيع الاستمرار", id="ar"),
    pytest.param("uk", "Я більше не хочу жити, хочу покінчити з життям", id="uk"),
    pytest.param("ru", "Я больше не хочу жить, хочу покончить с собой", id="ru"),
    pytest.param("fa", "دیگر نمی‌خواهم زندگی کنم، می‌خواهم بمیرم", id="fa"),
    pytest.param("sq", "Nuk dua më të jetoj, dua të vdes sonte", id="sq"),
    pytest.param("tr", "Artık yaşamak istemiyorum, ölmek istiyorum", id="tr"),
    pytest.param("ti", "ክሞት እደሊ፣ ክነብር ኣይደልን", id="ti"),
]


@pytest.mark.integration
@pytest.mark.parametrize(("language", "question"), EMERGENCIES)
def test_emergency_answer_in_the_askers_language(
    api_server: str, templates: AnswerTemplates, language: str, question: str
) -> None:
    body = httpx.post(f"{api_server}/v1/ask", json={"question": question}, timeout=30).json()
    template = templates.get(language)
    assert body["kind"] == "emergency"
    assert body["language"] == language
    assert body["direction"] == template.direction
    assert body["answer"].startswith(f"**{template.emergency_intro}**\n- **143** — ")
    assert [n["number"] for n in body["emergency_numbers"]] == ["143", "144", "147"]
    assert body["emergency_numbers"][1]["label"] == template.emergency_labels["144"]


@pytest.mark.integration
@pytest.mark.parametrize(
    ("language", "question"),
    [
        pytest.param("ar", "كيف الطقس غدا في نوشاتيل؟", id="ar"),
        pytest.param("tr", "Yarın hava durumu nasıl olacak?", id="tr"),
        pytest.param("ti", "ኩነታት ኣየር ጽባሕ ከመይ እዩ?", id="ti"),
    ],
)
def test_out_of_scope_answer_in_the_askers_language(
    api_server: str, templates: AnswerTemplates, language: str, question: str
) -> None:
    body = httpx.post(f"{api_server}/v1/ask", json={"question": question}, timeout=30).json()
    assert (body["kind"], body["language"]) == ("out_of_scope", language)
    assert body["answer"] == templates.get(language).out_of_scope
