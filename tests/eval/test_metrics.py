"""Metric definitions of docs/evaluation.md, with exact expected values."""

from __future__ import annotations

import pytest

from assistant_api.models import AskResponse, Citation, InstitutionCard
from eval.gold import GoldQuestion
from eval.metrics import (
    check_citations,
    citation_markers,
    compute_metrics,
    count_key,
    group_metrics,
    harmful_referral,
    kind_confusion,
    percentile,
    reciprocal_rank,
)
from eval.records import Outcome

pytestmark = pytest.mark.unit


def _q(qid: str, kind: str, acceptable: tuple[str, ...] = (), language: str = "fr") -> GoldQuestion:
    return GoldQuestion(
        id=qid, question=f"question {qid}", language=language, kind=kind, acceptable=acceptable
    )


@pytest.mark.parametrize(
    ("ranked", "acceptable", "depth", "expected"),
    [
        pytest.param(("a", "b", "c"), ("a",), 3, 1.0, id="first"),
        pytest.param(("a", "b", "c"), ("c",), 3, 1 / 3, id="third"),
        pytest.param(("a", "b", "c", "d"), ("d",), 3, 0.0, id="beyond-depth"),
        pytest.param(("a", "b"), ("b", "a"), 3, 1.0, id="any-acceptable-counts"),
        pytest.param(("a", "b"), ("b",), 1, 0.0, id="depth-one-miss"),
        pytest.param((), ("a",), 3, 0.0, id="nothing-ranked"),
    ],
)
def test_reciprocal_rank(
    ranked: tuple[str, ...], acceptable: tuple[str, ...], depth: int, expected: float
) -> None:
    assert reciprocal_rank(ranked, acceptable, depth) == expected


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        pytest.param([5.0], 50, 5.0, id="single"),
        pytest.param([1.0, 2.0, 3.0, 4.0], 50, 2.0, id="even-median-lower"),
        pytest.param([4.0, 1.0, 3.0, 2.0, 5.0], 50, 3.0, id="odd-median-unsorted"),
        pytest.param([float(i) for i in range(1, 101)], 95, 95.0, id="p95-of-100"),
        pytest.param([float(i) for i in range(1, 21)], 95, 19.0, id="p95-of-20"),
        pytest.param([1.0, 2.0], 100, 2.0, id="max"),
        pytest.param([], 50, None, id="empty"),
    ],
)
def test_percentile_nearest_rank(values: list[float], p: float, expected: float | None) -> None:
    assert percentile(values, p) == expected


def test_percentile_refuses_zero() -> None:
    with pytest.raises(ValueError, match="outside"):
        percentile([1.0], 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Appelez le GSR [1].", [1], id="single"),
        pytest.param("Voir [2, 3] et [4][5].", [2, 3, 4, 5], id="list-and-adjacent"),
        pytest.param("Aucune source.", [], id="none"),
        pytest.param("[lien](http://x) [10]", [10], id="markdown-link-ignored"),
    ],
)
def test_citation_markers(text: str, expected: list[int]) -> None:
    assert citation_markers(text) == expected


def _citation(n: int, institution_id: str | None) -> Citation:
    return Citation(
        n=n,
        title="t",
        url=f"/v1/institutions/{institution_id}",
        kind="gsr",
        snippet="s",
        fetched_at="2026-11-01",
        institution_id=institution_id,
    )


def _card(card_id: str, citations: list[int]) -> InstitutionCard:
    return InstitutionCard(id=card_id, name=card_id, why="w", citations=citations)


@pytest.mark.parametrize(
    ("answer", "cards", "citations", "expected"),
    [
        pytest.param("Rien.", [], [], (None, []), id="nothing-to-check"),
        pytest.param(
            "Le GSR [1].", [_card("gsr", [1])], [_citation(1, "gsr")], (True, []), id="valid"
        ),
        pytest.param(
            "Général [1].", [_card("gsr", [])], [_citation(1, None)], (True, []), id="general-doc"
        ),
        pytest.param(
            "Le GSR [2].",
            [_card("gsr", [1])],
            [_citation(1, "gsr")],
            (False, ["answer marker [2] has no citation"]),
            id="dangling-marker",
        ),
        pytest.param(
            "Le GSR [1].",
            [_card("gsr", [1, 3])],
            [_citation(1, "gsr")],
            (False, ["institution gsr cites [3], which is not a citation"]),
            id="dangling-card-reference",
        ),
        pytest.param(
            "Le GSR [1].",
            [_card("gsr", [1])],
            [_citation(1, "caritas")],
            (False, ["citation [1] is a document of caritas, which the answer does not name"]),
            id="cited-document-of-unnamed-institution",
        ),
    ],
)
def test_check_citations(
    answer: str,
    cards: list[InstitutionCard],
    citations: list[Citation],
    expected: tuple[bool | None, list[str]],
) -> None:
    response = AskResponse(
        kind="orientation", language="fr", answer=answer, institutions=cards, citations=citations
    )
    assert check_citations(response) == expected


QUESTIONS = [
    _q("q1", "orientation", ("a",)),
    _q("q2", "orientation", ("b",), language="de"),
    _q("q3", "emergency", ("urgence-144",)),
    _q("q4", "out_of_scope"),
    _q("q5", "no_answer", ("gsr",), language="de"),
    _q("q6", "orientation", ("c",)),
]
OUTCOMES = {
    "q1": Outcome(
        id="q1",
        ranked=("a", "x"),
        kind="orientation",
        language="fr",
        answer="1. **A** aide pour le loyer et les dettes de la famille [1]",
        contacts=("phone", "none"),
        latency_ms=10.0,
        citation_valid=True,
    ),
    "q2": Outcome(
        id="q2",
        ranked=("x", "y", "b"),
        kind="orientation",
        language="fr",
        contacts=("none", "none", "address_hours"),
        latency_ms=20.0,
        citation_valid=False,
    ),
    "q3": Outcome(
        id="q3",
        ranked=("urgence-144",),
        kind="emergency",
        language="fr",
        latency_ms=30.0,
        citation_valid=True,
    ),
    "q4": Outcome(id="q4", kind="emergency", language="fr", latency_ms=40.0),
    "q5": Outcome(id="q5", ranked=("gsr",), kind="no_answer", language="de", latency_ms=50.0),
    "q6": Outcome(id="q6", error="HTTP 500: boom"),
}


def test_compute_metrics_exact() -> None:
    metrics = compute_metrics(QUESTIONS, OUTCOMES)
    assert metrics == {
        "questions": 6,
        "errors": 1,
        "retrieval_questions": 5,
        "hit@1": 3 / 5,
        "hit@3": 4 / 5,
        "mrr": (1 + 1 / 3 + 1 + 1 + 0) / 5,
        "kind_accuracy": 4 / 5,
        "emergency_recall": 1.0,
        "emergency_precision": 1 / 2,
        # q4 (out of scope) got the emergency answer: 1 false alarm of q1, q2, q4 and q5
        "emergency_false_alarm_rate": 1 / 4,
        "emergency_follow_up": None,  # q3 and q4 list emergency lines only
        "out_of_scope_accuracy": 0.0,
        "no_answer_rate": 1 / 5,
        "no_answer_recall": 1.0,
        "citation_validity": 2 / 3,
        "language_match": 4 / 5,
        "latency_p50_ms": 30.0,
        "latency_p95_ms": 50.0,
        "harmful_referrals": 0,  # no question of this set lists harmful services
        # q1's prose is French as asked; q2's empty answer has no prose line to judge
        "language_purity": 1.0,
        "answer_words_p50": 0.0,  # nearest rank of q2's 0 words and q1's 11
        # q1's right institution shows a phone, q2's an address with hours; q5 records none
        "actionable_rate": 1.0,
        "first_right_without_phone": 1,
        # n of each figure: q6 is an error (a miss for hit@k, left out of the answer rates)
        "n:errors": 6,
        "n:hit@1": 5,
        "n:hit@3": 5,
        "n:mrr": 5,
        "n:harmful_referrals": 0,
        "n:kind_accuracy": 5,
        "n:emergency_recall": 1,
        "n:emergency_precision": 2,  # q3, and q4 answered as an emergency
        "n:emergency_false_alarm_rate": 4,  # the answered questions the gold does not flag
        "n:out_of_scope_accuracy": 1,
        "n:emergency_follow_up": 0,
        "n:no_answer_rate": 5,
        "n:no_answer_recall": 1,
        "n:citation_validity": 3,
        "n:language_match": 5,
        "n:latency_p50_ms": 5,
        "n:latency_p95_ms": 5,
        "n:language_purity": 1,
        "n:answer_words_p50": 2,
        "n:actionable_rate": 2,
        "n:first_right_without_phone": 2,
    }


def test_baseline_outcomes_get_retrieval_metrics_only() -> None:
    baseline = {q.id: Outcome(id=q.id, ranked=("b", "a"), latency_ms=1.0) for q in QUESTIONS}
    metrics = compute_metrics(QUESTIONS[:2], baseline)
    assert metrics == {
        "questions": 2,
        "errors": 0,
        "retrieval_questions": 2,
        "hit@1": 0.5,
        "hit@3": 1.0,
        "mrr": 0.75,
        "latency_p50_ms": 1.0,
        "latency_p95_ms": 1.0,
        "harmful_referrals": 0,
        "n:errors": 2,
        "n:hit@1": 2,
        "n:hit@3": 2,
        "n:mrr": 2,
        "n:harmful_referrals": 0,
        "n:latency_p50_ms": 2,
        "n:latency_p95_ms": 2,
    }


@pytest.mark.parametrize(
    ("ranked", "harmful", "expected"),
    [
        pytest.param(("savc", "savi"), ("savc",), True, id="first"),
        pytest.param(("savi", "police", "savc"), ("savc",), True, id="third-even-after-a-hit"),
        pytest.param(("savi", "police", "gsr", "savc"), ("savc",), False, id="fourth"),
        pytest.param(("savi",), (), False, id="no-harmful-listed"),
        pytest.param((), ("savc",), False, id="nothing-ranked"),
    ],
)
def test_harmful_referral_looks_at_the_first_three(
    ranked: tuple[str, ...], harmful: tuple[str, ...], expected: bool
) -> None:
    assert harmful_referral(ranked, harmful) is expected


def test_harmful_referrals_count_role_questions_only() -> None:
    def role_q(qid: str, harmful: tuple[str, ...]) -> GoldQuestion:
        return GoldQuestion(
            id=qid,
            question=f"question {qid}",
            language="de",
            kind="orientation",
            acceptable=("savi",),
            role="victim" if harmful else None,
            harmful=harmful,
        )

    questions = [role_q("v1", ("savc",)), role_q("v2", ("savc",)), role_q("plain", ())]
    outcomes = {
        "v1": Outcome(id="v1", ranked=("savi", "savc"), kind="orientation"),
        "v2": Outcome(id="v2", ranked=("savi", "police", "gsr", "savc"), kind="orientation"),
        "plain": Outcome(id="plain", ranked=("savc",), kind="orientation"),  # no role: not harm
    }
    metrics = compute_metrics(questions, outcomes)
    assert (metrics["harmful_referrals"], metrics["n:harmful_referrals"]) == (1, 2)
    by_role = group_metrics(questions, outcomes, lambda q: q.role)
    assert by_role["victim"]["harmful_referrals"] == 1
    assert by_role["none"]["harmful_referrals"] == 0


def test_context_scores_are_averaged_over_questions_that_have_them() -> None:
    scores = {"q1": {"context_recall": 1.0}, "q2": {"context_recall": 0.5}, "q3": {}}
    metrics = compute_metrics(QUESTIONS[:3], OUTCOMES, context_scores=scores)
    assert metrics["context_recall"] == 0.75
    assert metrics["n:context_recall"] == 2
    assert metrics["context_precision"] is None
    assert metrics["n:context_precision"] == 0


def test_group_metrics_by_language() -> None:
    groups = group_metrics(QUESTIONS, OUTCOMES, lambda q: q.language)
    assert list(groups) == ["de", "fr"]
    assert groups["de"]["questions"] == 2
    assert groups["de"]["hit@1"] == 0.5
    assert groups["de"]["emergency_recall"] is None
    assert groups["fr"]["hit@3"] == 2 / 3


def test_kind_confusion_counts_errors() -> None:
    assert kind_confusion(QUESTIONS, OUTCOMES) == {
        "orientation": {"orientation": 2, "error": 1},
        "emergency": {"emergency": 1},
        "out_of_scope": {"emergency": 1},
        "no_answer": {"no_answer": 1},
    }


def test_false_alarm_rate_counts_only_non_emergencies_answered_as_emergencies() -> None:
    """Missing an emergency is recall's business; the false-alarm rate ignores those questions."""
    questions = [
        _q("e1", "emergency", ("urgence-144",)),
        _q("e2", "emergency", ("urgence-144",)),
        _q("o1", "orientation", ("a",)),
        _q("o2", "orientation", ("a",)),
        _q("o3", "out_of_scope"),
    ]
    outcomes = {
        "e1": Outcome(id="e1", kind="emergency", language="fr"),
        "e2": Outcome(id="e2", kind="orientation", language="fr"),
        "o1": Outcome(id="o1", kind="emergency", language="fr"),
        "o2": Outcome(id="o2", kind="orientation", language="fr"),
        "o3": Outcome(id="o3", kind="out_of_scope", language="fr"),
    }
    metrics = compute_metrics(questions, outcomes)
    assert metrics["emergency_false_alarm_rate"] == 1 / 3
    assert metrics[count_key("emergency_false_alarm_rate")] == 3
    assert metrics["emergency_recall"] == 1 / 2
    only_emergencies = compute_metrics(questions[:2], outcomes)
    assert only_emergencies["emergency_false_alarm_rate"] is None


def test_emergency_follow_up_counts_the_services_after_the_numbers_anywhere() -> None:
    questions = [
        _q("violence", "emergency", ("urgence-117", "savi")),
        _q("suicide", "emergency", ("la-main-tendue-143", "cnp-urgences")),
        _q("fall", "emergency", ("urgence-144",)),  # lines only: nothing must follow
        _q("rent", "orientation", ("savi",)),
    ]
    outcomes = {
        "violence": Outcome(id="violence", ranked=("urgence-117", "urgence-144", "x", "savi")),
        "suicide": Outcome(id="suicide", ranked=("la-main-tendue-143", "urgence-144")),
        "fall": Outcome(id="fall", ranked=("urgence-144",)),
        "rent": Outcome(id="rent", ranked=("x",)),
    }
    answered = {k: o.model_copy(update={"kind": "emergency"}) for k, o in outcomes.items()}
    metrics = compute_metrics(questions, answered)
    assert (metrics["emergency_follow_up"], metrics["n:emergency_follow_up"]) == (0.5, 2)
    # Baselines (no answer kind) have no follow-up to measure.
    assert "emergency_follow_up" not in compute_metrics(questions, outcomes)
