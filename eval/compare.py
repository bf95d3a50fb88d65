"""What got better and worse between two runs: per metric, and per question.

A per-question verdict compares what a person would notice: was an acceptable institution
among the first three, and was the answer of the expected kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eval.gold import GoldQuestion
from eval.metrics import is_count_key, reciprocal_rank
from eval.records import SYSTEM, Outcome
from eval.report import Report

__all__ = [
    "LOWER_IS_BETTER",
    "MetricChange",
    "QuestionChange",
    "compare_reports",
    "question_ok",
]

#: Metrics where a smaller value is the better one.
LOWER_IS_BETTER = frozenset(
    {
        "latency_p50_ms",
        "latency_p95_ms",
        "errors",
        "no_answer_rate",
        "harmful_referrals",
        "emergency_false_alarm_rate",
    }
)
#: Differences smaller than this are reported as "same" (float noise, not a change).
EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class MetricChange:
    system: str
    metric: str
    old: float | None
    new: float | None
    verdict: str  # "better" | "worse" | "same" | "n/a"


@dataclass(frozen=True, slots=True)
class QuestionChange:
    id: str
    question: str
    old_ok: bool
    new_ok: bool
    old_ranked: tuple[str, ...]
    new_ranked: tuple[str, ...]
    old_kind: str | None
    new_kind: str | None

    @property
    def verdict(self) -> str:
        return "better" if self.new_ok and not self.old_ok else "worse"


def question_ok(question: GoldQuestion, outcome: Outcome) -> bool:
    """Hit within 3 (when the question has acceptable ids) and the expected kind (when given)."""
    if outcome.error is not None:
        return False
    if question.is_retrieval and reciprocal_rank(outcome.ranked, question.acceptable) == 0:
        return False
    return outcome.kind is None or outcome.kind == question.kind


def _verdict(metric: str, old: float | None, new: float | None) -> str:
    if old is None or new is None:
        return "n/a"
    delta = new - old
    if abs(delta) <= EPSILON:
        return "same"
    better = delta < 0 if metric in LOWER_IS_BETTER else delta > 0
    return "better" if better else "worse"


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def compare_reports(old: Report, new: Report) -> tuple[list[MetricChange], list[QuestionChange]]:
    """Metric changes for every system present in both runs (not their n), and questions that
    flipped."""
    metrics: list[MetricChange] = []
    for system, result in new.systems.items():
        if system not in old.systems:
            continue
        before = old.systems[system].overall
        for name, value in result.overall.items():
            if is_count_key(name):
                continue  # a metric's n: the gold's size, not a better or worse result
            old_value, new_value = _number(before.get(name)), _number(value)
            metrics.append(
                MetricChange(
                    system, name, old_value, new_value, _verdict(name, old_value, new_value)
                )
            )
    old_outcomes = {o.id: o for o in old.systems[SYSTEM].outcomes}
    new_outcomes = {o.id: o for o in new.systems[SYSTEM].outcomes}
    questions: list[QuestionChange] = []
    for question in _common(old.questions, new.questions):
        before_o, after_o = old_outcomes.get(question.id), new_outcomes.get(question.id)
        if before_o is None or after_o is None:
            continue
        old_ok, new_ok = question_ok(question, before_o), question_ok(question, after_o)
        if old_ok != new_ok:
            questions.append(
                QuestionChange(
                    id=question.id,
                    question=question.question,
                    old_ok=old_ok,
                    new_ok=new_ok,
                    old_ranked=before_o.ranked,
                    new_ranked=after_o.ranked,
                    old_kind=before_o.kind,
                    new_kind=after_o.kind,
                )
            )
    return metrics, questions


def _common(old: Sequence[GoldQuestion], new: Sequence[GoldQuestion]) -> list[GoldQuestion]:
    """Questions of the new run that the old run also asked (judged by the new gold)."""
    old_ids = {q.id for q in old}
    return [q for q in new if q.id in old_ids]
