"""Health, addiction, disability, violence and emergencies are kept only as a theme.

``ThemeClassifier.is_sensitive`` decides whether the analytics may keep a question's words at
all. It must see a health condition in any of the 13 languages, and must not take a health
insurance premium (the most frequent social-insurance question) or an ordinary need for one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant_api.analytics.themes import ThemeClassifier
from index import Glossary

pytestmark = pytest.mark.unit

GLOSSARY = Path(__file__).resolve().parents[2] / "corpora" / "glossary.yaml"


@pytest.fixture(scope="module")
def themes() -> ThemeClassifier:
    return ThemeClassifier(Glossary.from_file(GLOSSARY), records={})


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("J'ai un cancer et je vis seule à Cernier", id="fr-cancer"),
        pytest.param("Ma fille est enceinte et n'a pas de logement", id="fr-pregnant"),
        pytest.param("je ne peux plus travailler depuis ma dépression", id="fr-depression-work"),
        pytest.param("Ich bin schwanger und habe Schulden", id="de-pregnant"),
        pytest.param("mio figlio è malato e non ho soldi", id="it-sick"),
        pytest.param("I was diagnosed with HIV last year", id="en-hiv"),
        pytest.param("tenho uma doença e preciso de ajuda", id="pt-disease"),
        pytest.param("mi marido tiene una enfermedad grave", id="es-disease"),
        pytest.param("لدي مرض السكري ولا أستطيع الدفع", id="ar-diabetes"),
        pytest.param("Я вагітна і шукаю житло", id="uk-pregnant"),
        pytest.param("У меня рак, мне нужна помощь", id="ru-cancer"),
        pytest.param("من بیماری قلبی دارم", id="fa-illness"),
        pytest.param("kam një sëmundje dhe nuk punoj", id="sq-illness"),
        pytest.param("kanser tedavisi görüyorum", id="tr-cancer"),
        pytest.param("ሕማም ኣለኒ ሓገዝ የድልየኒ", id="ti-illness"),
        pytest.param("mon mari me frappe", id="fr-violence-glossary"),
    ],
)
def test_health_and_violence_are_sensitive(themes: ThemeClassifier, text: str) -> None:
    assert themes.is_sensitive(text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Je ne peux pas payer mon assurance maladie", id="fr-health-insurance"),
        pytest.param("Ich kann die Krankenkasse nicht zahlen", id="de-health-insurance"),
        pytest.param("how do I get a health insurance subsidy", id="en-health-insurance"),
        pytest.param("Je ne peux plus payer mon loyer", id="fr-rent"),
        pytest.param("أنا عسكري سابق وأبحث عن عمل", id="ar-military-not-sugar"),
        pytest.param("Я шукаю роботу з понеділка", id="uk-work"),
    ],
)
def test_ordinary_needs_are_not_sensitive(themes: ThemeClassifier, text: str) -> None:
    assert not themes.is_sensitive(text)


def test_an_emergency_is_sensitive_whatever_its_words(themes: ThemeClassifier) -> None:
    assert themes.is_sensitive("je ne sais plus quoi faire", emergency=True)
    assert not themes.is_sensitive("je ne sais plus quoi faire")
