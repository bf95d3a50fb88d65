"""Themes of the blind-spot report come from the glossary's needs, in every language.

The old keyword list (prompts/themes.yaml) filed "ma rente AVS" and "rentrer chez moi" under
housing (its "rent" matched "rente" and "rentrer") and knew six languages; the glossary had
already fixed both. These are the drift's examples, in the languages the old list missed too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant_api.analytics.themes import EMERGENCY_THEME, UNKNOWN_THEME, ThemeClassifier
from assistant_api.models import AnswerKind, AskResponse, InstitutionCard
from index import Glossary
from ingest import CATEGORIES
from ingest.corpus_sync import read_institutions
from tests.conftest import TINY_CORPUS

pytestmark = pytest.mark.unit

GLOSSARY = Path(__file__).resolve().parents[2] / "corpora" / "glossary.yaml"


@pytest.fixture(scope="module")
def themes() -> ThemeClassifier:
    records = {record.id: record for record in read_institutions(TINY_CORPUS)}
    return ThemeClassifier(Glossary.from_file(GLOSSARY), records=records)


def _answer(kind: AnswerKind, *institutions: str) -> AskResponse:
    cards = [InstitutionCard(id=i, name=i, why="") for i in institutions]
    return AskResponse(kind=kind, language="fr", answer="…", institutions=cards)


@pytest.mark.parametrize(
    ("question", "theme"),
    [
        # a pension, whatever "rente" looks like
        pytest.param("Ma rente AVS ne suffit plus", "assurances_sociales", id="fr-rente"),
        pytest.param("Meine AHV-Rente reicht nicht mehr", "assurances_sociales", id="de-rente"),
        pytest.param("My AVS pension is not enough", "assurances_sociales", id="en-pension"),
        pytest.param("معاش التقاعد لا يكفيني", "assurances_sociales", id="ar-pension"),
        pytest.param("Моєї пенсії не вистачає", "assurances_sociales", id="uk-pension"),
        pytest.param("ጥሮታይ ኣይኣኽለንን", "assurances_sociales", id="ti-pension"),
        # going home is not housing
        pytest.param("Je veux rentrer chez moi", UNKNOWN_THEME, id="fr-rentrer"),
        pytest.param("Ich will nur nach Hause", UNKNOWN_THEME, id="de-home"),
        pytest.param("أريد أن أعود إلى بيتي", UNKNOWN_THEME, id="ar-home"),
        pytest.param("Я хочу повернутися додому", UNKNOWN_THEME, id="uk-home"),
        # rent still is
        pytest.param("Je ne peux plus payer mon loyer", "logement", id="fr-loyer"),
        pytest.param("Ich kann die Miete nicht zahlen", "logement", id="de-miete"),
        pytest.param("I can't pay the rent this month", "logement", id="en-rent"),
        pytest.param("صاحب الشقة رفع الإيجار فجأة", "logement", id="ar-rent"),
        pytest.param("Не можу платити оренду", "logement", id="uk-rent"),
        pytest.param("ክራይ ገዛ ክኸፍል ኣይክእልን", "logement", id="ti-rent"),
    ],
)
def test_an_unanswered_question_gets_the_theme_of_its_need(
    themes: ThemeClassifier, question: str, theme: str
) -> None:
    assert themes.classify(question, _answer("no_answer")) == theme


def test_the_most_specific_need_wins(themes: ThemeClassifier) -> None:
    # "pension alimentaire" (alimony) is a longer match than "pension" (a pension)
    assert themes.by_needs("Mon ex ne verse plus la pension alimentaire") == "finances_dettes"
    assert themes.by_needs("Ma pension de retraite tarde") == "assurances_sociales"


def test_an_answer_files_under_its_first_institution_or_urgence(themes: ThemeClassifier) -> None:
    question = "Ma rente AVS ne suffit plus"
    assert themes.classify(question, _answer("emergency", "caritas-neuchatel")) == EMERGENCY_THEME
    first = read_institutions(TINY_CORPUS)[0]
    assert themes.classify(question, _answer("orientation", first.id)) == first.categories[0]
    assert themes.classify(question, _answer("orientation", "unknown-id")) == "assurances_sociales"


def test_a_theme_is_only_a_category_name(themes: ThemeClassifier) -> None:
    """The question never travels into the theme column, whatever it holds."""
    for question in ("Je m'appelle Marie Dupont, 079 123 45 67", "Marie Dupont loyer", ""):
        theme = themes.classify(question, _answer("no_answer"))
        assert theme in {*CATEGORIES, UNKNOWN_THEME}
        assert "Marie" not in theme
