"""ragas' non-LLM definitions, computed with rapidfuzz, and agreement with ragas itself."""

from __future__ import annotations

import pytest

from eval.context_metrics import (
    FuzzScorer,
    RagasScorer,
    average_precision,
    context_precision,
    context_recall,
    id_context_precision,
    id_context_recall,
    string_similarity,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("response", "reference", "expected"),
    [
        pytest.param("abcd", "abcd", 1.0, id="equal"),
        pytest.param("abcd", "abce", 0.75, id="one-substitution"),
        pytest.param("kitten", "sitting", 1 - 3 / 7, id="kitten-sitting"),
        pytest.param("abc", "xyz", 0.0, id="disjoint"),
    ],
)
def test_string_similarity(response: str, reference: str, expected: float) -> None:
    assert string_similarity(response, reference) == expected


@pytest.mark.parametrize(
    ("verdicts", "expected"),
    [
        pytest.param([1, 0, 1], (1 + 2 / 3) / (2 + 1e-10), id="hit-miss-hit"),
        pytest.param([0, 1], (1 / 2) / (1 + 1e-10), id="second"),
        pytest.param([0, 0], 0.0, id="none"),
    ],
)
def test_average_precision(verdicts: list[int], expected: float) -> None:
    assert average_precision(verdicts) == expected


@pytest.mark.parametrize(
    ("retrieved", "references", "precision", "recall"),
    [
        pytest.param(
            ["abcd", "zzzz", "abce"], ["abcd"], (1 + 2 / 3) / (2 + 1e-10), 1.0, id="mixed"
        ),
        pytest.param(["abcd"], ["abcd", "zzzzzz"], 1 / (1 + 1e-10), 0.5, id="half-recall"),
        pytest.param([], ["abcd"], 0.0, 0.0, id="nothing-retrieved"),
        pytest.param(["abcd"], [], None, None, id="no-reference"),
    ],
)
def test_context_precision_and_recall(
    retrieved: list[str], references: list[str], precision: float | None, recall: float | None
) -> None:
    assert context_precision(retrieved, references) == precision
    assert context_recall(retrieved, references) == recall


@pytest.mark.parametrize(
    ("retrieved", "reference", "precision", "recall"),
    [
        pytest.param(["a", "b", "b", "c"], ["a", "d"], 1 / 3, 1 / 2, id="distinct-ids"),
        pytest.param([], ["a"], 0.0, 0.0, id="nothing-retrieved"),
        pytest.param(["a"], [], None, None, id="no-reference"),
    ],
)
def test_id_context_metrics(
    retrieved: list[str], reference: list[str], precision: float | None, recall: float | None
) -> None:
    assert id_context_precision(retrieved, reference) == precision
    assert id_context_recall(retrieved, reference) == recall


SAMPLES = [
    pytest.param(
        "Le SAVI aide les victimes d'infractions.",
        ["Le SAVI soutient les victimes", "Horaires du guichet"],
        ["Le Service d'aide aux victimes soutient les victimes d'infractions."],
        id="savi",
    ),
    pytest.param(
        "Caritas aide à faire un budget.",
        ["Caritas Neuchâtel conseille en cas de dettes", "Caritas: budget"],
        ["Caritas conseille les personnes endettées", "Budget et dettes: Caritas"],
        id="caritas",
    ),
    pytest.param("", ["x"], ["Le GSR reçoit sans rendez-vous"], id="empty-answer"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("answer", "retrieved", "references"), SAMPLES)
def test_ragas_agrees_with_the_rapidfuzz_implementation(
    answer: str, retrieved: list[str], references: list[str]
) -> None:
    ragas_scores = RagasScorer().score(answer=answer, retrieved=retrieved, references=references)
    fuzz_scores = FuzzScorer().score(answer=answer, retrieved=retrieved, references=references)
    assert ragas_scores.keys() == fuzz_scores.keys()
    for name, value in fuzz_scores.items():
        other = ragas_scores[name]
        if value is None:
            assert other is None
        else:
            assert other is not None
            assert abs(other - value) < 1e-12, name
