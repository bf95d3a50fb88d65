"""Metrics over outcomes (pure functions). Definitions: docs/evaluation.md.

Every rate is ``None`` when its denominator is empty, never 0: "no emergency question in this
language" is not "missed every emergency".
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from assistant_api import AskResponse
from eval.answer_quality import answer_words, language_purity
from eval.gold import GoldQuestion
from eval.records import Outcome

__all__ = [
    "CONTEXT_METRICS",
    "COUNT_PREFIX",
    "EMERGENCY_LINES",
    "JUDGED_METRICS",
    "RANK_DEPTH",
    "MetricSet",
    "check_citations",
    "citation_markers",
    "compute_metrics",
    "count_key",
    "first_right_contact",
    "follow_ups",
    "group_metrics",
    "harmful_referral",
    "is_count_key",
    "kind_confusion",
    "percentile",
    "reciprocal_rank",
]

#: Institutions a person sees by default (assistant_api DEFAULT_TOP_K): hit@k and MRR look no
#: deeper, for the system and the baselines alike.
RANK_DEPTH = 3

MetricSet = dict[str, float | int | None]

#: Prefix of the keys of a :data:`MetricSet` that hold a metric's n (:func:`count_key`).
COUNT_PREFIX = "n:"

_Pair = tuple[GoldQuestion, Outcome]
#: Whether one (question, outcome) pair counts as a success of a rate.
_Test = Callable[[GoldQuestion, Outcome], bool]

#: Per-question scores averaged into the metric set when given (eval/context_metrics.py).
CONTEXT_METRICS = (
    "context_precision",
    "context_recall",
    "id_context_precision",
    "id_context_recall",
    "string_similarity",
)

#: LLM-judged per-question scores (eval/judge.py): in the metric set only when a judge ran, so
#: a run without an endpoint does not show them as measured-and-empty.
JUDGED_METRICS = ("faithfulness", "answer_relevancy")

#: The gold's emergency lines (corpora/gold/README.md, ``emergency``): an emergency's other
#: acceptable institutions are the services that must follow the numbers (victim support after
#: violence, the psychiatric emergency after suicidal talk, child protection).
EMERGENCY_LINES = frozenset(
    {
        "urgence-112",
        "urgence-117",
        "urgence-118",
        "urgence-144",
        "urgence-145-tox-info",
        "la-main-tendue-143",
        "pro-juventute-147",
    }
)

_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")


def citation_markers(text: str) -> list[int]:
    """Every citation number in ``text``: ``[1]``, ``[2, 3]`` and ``[4][5]`` forms, in order."""
    numbers: list[int] = []
    for match in _MARKER.finditer(text):
        numbers.extend(int(n) for n in re.split(r"\s*[,;]\s*", match.group(1)))
    return numbers


def check_citations(response: AskResponse) -> tuple[bool | None, list[str]]:
    """Whether every citation of an answer resolves and belongs to a named institution.

    Returns ``(None, [])`` for an answer with no marker and no citation (nothing to check),
    else ``(valid, problems)``.
    """
    numbers = {c.n for c in response.citations}
    markers = citation_markers(response.answer)
    card_refs = [(card.id, n) for card in response.institutions for n in card.citations]
    if not numbers and not markers and not card_refs:
        return None, []
    problems: list[str] = []
    for n in sorted(set(markers) - numbers):
        problems.append(f"answer marker [{n}] has no citation")
    for card_id, n in card_refs:
        if n not in numbers:
            problems.append(f"institution {card_id} cites [{n}], which is not a citation")
    named = {card.id for card in response.institutions}
    for citation in response.citations:
        if citation.institution_id is not None and citation.institution_id not in named:
            problems.append(
                f"citation [{citation.n}] is a document of {citation.institution_id}, "
                "which the answer does not name"
            )
    return not problems, problems


def reciprocal_rank(
    ranked: Sequence[str], acceptable: Sequence[str], depth: int = RANK_DEPTH
) -> float:
    """1 / rank of the first acceptable id within ``depth``, else 0."""
    wanted = set(acceptable)
    for rank, institution_id in enumerate(ranked[:depth], start=1):
        if institution_id in wanted:
            return 1.0 / rank
    return 0.0


def harmful_referral(
    ranked: Sequence[str], harmful: Sequence[str], depth: int = RANK_DEPTH
) -> bool:
    """Whether a service of ``harmful`` (aimed at the opposite role) is in the first ``depth``.

    A harmful service counts even when an acceptable one ranks above it: a person may read on.
    """
    return bool(set(ranked[:depth]) & set(harmful))


def follow_ups(question: GoldQuestion) -> frozenset[str]:
    """The services that must follow an emergency's numbers (none for other questions)."""
    if question.kind != "emergency":
        return frozenset()
    return frozenset(question.acceptable) - EMERGENCY_LINES


def first_right_contact(
    ranked: Sequence[str],
    contacts: Sequence[str],
    acceptable: Sequence[str],
    depth: int = RANK_DEPTH,
) -> str | None:
    """What the first acceptable institution's card shows (``phone``…), ``None`` if none ranked.

    An outcome without contact kinds (a baseline, an old report) also gives ``None``.
    """
    wanted = set(acceptable)
    for rank, institution_id in enumerate(ranked[:depth]):
        if institution_id in wanted:
            return contacts[rank] if rank < len(contacts) else None
    return None


def _reader_metrics(pairs: list[_Pair]) -> tuple[MetricSet, dict[str, int]]:
    """Language purity, length and actionability of the answers a person reads (issue 17)."""
    answers = [(q, o) for q, o in pairs if o.error is None and o.kind == "orientation"]
    purities = [p for q, o in answers if (p := language_purity(o.answer, q.language)) is not None]
    words = [float(answer_words(o.answer)) for _, o in answers]
    firsts = [
        c
        for q, o in pairs
        if q.is_retrieval
        and (c := first_right_contact(o.ranked, o.contacts, q.acceptable)) is not None
    ]
    metrics: MetricSet = {
        "language_purity": _mean(purities),
        "answer_words_p50": percentile(words, 50),
        "actionable_rate": _rate(sum(1 for c in firsts if c != "none"), len(firsts)),
        # A count, not a rate: the list of institutions the facts work should find a phone for.
        "first_right_without_phone": sum(1 for c in firsts if c != "phone"),
    }
    counts = {
        "language_purity": len(purities),
        "answer_words_p50": len(words),
        "actionable_rate": len(firsts),
        "first_right_without_phone": len(firsts),
    }
    return metrics, counts


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least p % of values at or below it."""
    if not 0 < p <= 100:
        raise ValueError(f"percentile {p} is outside (0, 100]")
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _rate(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else numerator / denominator


def _mean(values: Sequence[float]) -> float | None:
    return None if not values else sum(values) / len(values)


def count_key(metric: str) -> str:
    """Key of a metric's n in a :data:`MetricSet`: ``n:hit@3`` for ``hit@3``."""
    return COUNT_PREFIX + metric


def is_count_key(key: str) -> bool:
    """Whether ``key`` holds the n of another metric (not a metric to compare or gate)."""
    return key.startswith(COUNT_PREFIX)


def _answer_rates(answered: list[_Pair]) -> dict[str, tuple[list[_Pair], _Test]]:
    """The rates over the system's answers: metric → (the pairs it counts, what is a success)."""

    def expecting(kind: str) -> list[_Pair]:
        return [(q, o) for q, o in answered if q.kind == kind]

    return {
        "kind_accuracy": (answered, lambda q, o: o.kind == q.kind),
        "emergency_recall": (expecting("emergency"), lambda _, o: o.kind == "emergency"),
        "emergency_precision": (
            [(q, o) for q, o in answered if o.kind == "emergency"],
            lambda q, _: q.kind == "emergency",
        ),
        # Issue 18: a person with an ordinary question who gets the red emergency banner.
        "emergency_false_alarm_rate": (
            [(q, o) for q, o in answered if q.kind != "emergency"],
            lambda _, o: o.kind == "emergency",
        ),
        "out_of_scope_accuracy": (expecting("out_of_scope"), lambda _, o: o.kind == "out_of_scope"),
        "no_answer_rate": (answered, lambda _, o: o.kind == "no_answer"),
        "no_answer_recall": (expecting("no_answer"), lambda _, o: o.kind == "no_answer"),
        "citation_validity": (
            [(q, o) for q, o in answered if o.citation_valid is not None],
            lambda _, o: bool(o.citation_valid),
        ),
        "language_match": (answered, lambda q, o: o.language == q.language),
    }


def _scores(
    pairs: list[_Pair], context_scores: dict[str, dict[str, float | None]], name: str
) -> list[float]:
    """The per-question scores of ``name`` that exist (a question without one is not counted)."""
    return [
        value for q, _ in pairs if (value := context_scores.get(q.id, {}).get(name)) is not None
    ]


def compute_metrics(
    questions: Sequence[GoldQuestion],
    outcomes: dict[str, Outcome],
    *,
    context_scores: dict[str, dict[str, float | None]] | None = None,
) -> MetricSet:
    """All metrics of one system over ``questions`` (outcomes by question id).

    ``context_scores`` maps a question id to its ragas-style scores (``context_precision``,
    ``context_recall``, ``string_similarity``); they are averaged over the questions that
    have them. Every rate, mean and percentile comes with its n under :func:`count_key`: the
    number of questions it was computed over, so that a reader can tell 1.000 of 2 from 1.000
    of 200.
    """
    pairs = [(q, outcomes[q.id]) for q in questions if q.id in outcomes]
    answered = [(q, o) for q, o in pairs if o.error is None]
    retrieval = [(q, o) for q, o in pairs if q.is_retrieval]
    rr = [reciprocal_rank(o.ranked, q.acceptable) for q, o in retrieval]
    hit1 = [reciprocal_rank(o.ranked, q.acceptable, depth=1) for q, o in retrieval]
    metrics: MetricSet = {
        "questions": len(pairs),
        "errors": sum(1 for _, o in pairs if o.error is not None),
        "retrieval_questions": len(retrieval),
        "hit@1": _mean(hit1),
        "hit@3": _mean([1.0 if r > 0 else 0.0 for r in rr]),
        "mrr": _mean(rr),
    }
    counts = {"errors": len(pairs), "hit@1": len(rr), "hit@3": len(rr), "mrr": len(rr)}
    # A count, not a rate: 0 harmful referrals among 0 role questions is still none.
    with_roles = [(q, o) for q, o in pairs if q.harmful]
    metrics["harmful_referrals"] = sum(
        1 for q, o in with_roles if harmful_referral(o.ranked, q.harmful)
    )
    counts["harmful_referrals"] = len(with_roles)
    # Issue 18: after the numbers of an emergency, the services that take over are listed too
    # (anywhere in the answer: the numbers come first).
    followed = [(q, o) for q, o in pairs if follow_ups(q) and o.error is None]
    if any(o.kind is not None for _, o in pairs if o.error is None):
        metrics["emergency_follow_up"] = _rate(
            sum(1 for q, o in followed if follow_ups(q) & set(o.ranked)), len(followed)
        )
        counts["emergency_follow_up"] = len(followed)
    if any(o.kind is not None for _, o in answered):
        for name, (counted, success) in _answer_rates(answered).items():
            metrics[name] = _rate(sum(1 for q, o in counted if success(q, o)), len(counted))
            counts[name] = len(counted)
    if any(o.kind is not None for _, o in answered):
        reader, reader_counts = _reader_metrics(pairs)
        metrics.update(reader)
        counts.update(reader_counts)
    latencies = [o.latency_ms for _, o in answered]
    metrics["latency_p50_ms"] = percentile(latencies, 50)
    metrics["latency_p95_ms"] = percentile(latencies, 95)
    counts["latency_p50_ms"] = counts["latency_p95_ms"] = len(latencies)
    spoken = [(q, o) for q, o in answered if o.wer is not None]
    if spoken:  # only spoken questions have one; typed groups do not show the metric at all
        metrics["wer"] = _mean([o.wer for _, o in spoken if o.wer is not None])
        metrics["heard_language_match"] = _rate(
            sum(1 for q, o in spoken if o.heard_language == q.language), len(spoken)
        )
        counts["wer"] = counts["heard_language_match"] = len(spoken)
    if context_scores is not None:
        judged = any(
            name in scores for name in JUDGED_METRICS for scores in context_scores.values()
        )
        for name in (*CONTEXT_METRICS, *(JUDGED_METRICS if judged else ())):
            values = _scores(pairs, context_scores, name)
            metrics[name] = _mean(values)
            counts[name] = len(values)
    metrics.update({count_key(name): n for name, n in counts.items()})
    return metrics


def group_metrics(
    questions: Sequence[GoldQuestion],
    outcomes: dict[str, Outcome],
    key: Callable[[GoldQuestion], str | None],
    *,
    context_scores: dict[str, dict[str, float | None]] | None = None,
) -> dict[str, MetricSet]:
    """:func:`compute_metrics` per group (``key`` of a question; ``None`` becomes ``"none"``)."""
    groups: dict[str, list[GoldQuestion]] = {}
    for question in questions:
        groups.setdefault(key(question) or "none", []).append(question)
    return {
        name: compute_metrics(group, outcomes, context_scores=context_scores)
        for name, group in sorted(groups.items())
    }


def kind_confusion(
    questions: Sequence[GoldQuestion], outcomes: dict[str, Outcome]
) -> dict[str, dict[str, int]]:
    """Counts of answer kind (inner key; ``error`` when none came back) by expected kind."""
    matrix: dict[str, dict[str, int]] = {}
    for question in questions:
        outcome = outcomes.get(question.id)
        if outcome is None:
            continue
        got = outcome.kind if outcome.error is None and outcome.kind else "error"
        row = matrix.setdefault(question.kind, {})
        row[got] = row.get(got, 0) + 1
    return matrix
