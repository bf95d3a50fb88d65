"""Answer language purity, length and actionability (eval/answer_quality.py, eval/metrics.py)."""

from __future__ import annotations

import pytest

from eval.answer_quality import answer_words, language_purity, prose_lines
from eval.metrics import first_right_contact


def test_prose_lines_drop_names_quotes_addresses_links_and_numbers() -> None:
    answer = "\n".join(
        [
            "1. **ASLOCA neuchâteloise** — conseil juridique en droit du bail [1]",
            "   Phone +41 32 724 54 24 · Rue du Seyon 2, 2000 Neuchâtel",
            "   > « lu–ve 8h30–11h30, permanence téléphonique »",
            "   Website https://www.asloca.ch/neuchatel",
        ]
    )
    assert prose_lines(answer) == ["— conseil juridique en droit du bail"]


@pytest.mark.parametrize(
    ("answer", "language", "expected"),
    [
        pytest.param(
            "**ASLOCA** يمكنها مساعدتك في: الاستشارة القانونية بشأن عقد الإيجار\n"
            "**ASLOCA** conseil juridique en droit du bail pour les membres",
            "ar",
            0.5,
            id="half-french-arabic",
        ),
        pytest.param(
            "**Caritas** hilft bei Schulden und beim Budget für die ganze Familie",
            "de",
            1.0,
            id="german-only",
        ),
        pytest.param("**Caritas** [1]\n+41 32 886 80 70", "de", None, id="no-prose"),
    ],
)
def test_language_purity(answer: str, language: str, expected: float | None) -> None:
    assert language_purity(answer, language) == expected


def test_answer_words_count_letters_only() -> None:
    assert answer_words("Call **Caritas** [1] on +41 32 886 80 70.") == 3


@pytest.mark.parametrize(
    ("ranked", "contacts", "expected"),
    [
        pytest.param(("a", "b", "c"), ("none", "phone", "phone"), "phone", id="second-is-right"),
        pytest.param(("b", "a"), ("address_hours", "phone"), "address_hours", id="first-right"),
        pytest.param(("x", "y", "z"), ("phone",) * 3, None, id="none-right"),
        pytest.param(("b",), (), None, id="no-contacts-recorded"),
    ],
)
def test_first_right_contact(
    ranked: tuple[str, ...], contacts: tuple[str, ...], expected: str | None
) -> None:
    assert first_right_contact(ranked, contacts, ["b"]) == expected
