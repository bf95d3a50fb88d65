"""Run the gold questions through the system and the baselines and assemble the report."""

from __future__ import annotations

import logging
import os
import platform
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from operator import attrgetter
from typing import Protocol

from eval.context_metrics import ContextScorer, id_scores
from eval.errors import TargetError
from eval.gold import GoldQuestion, gold_digest
from eval.metrics import compute_metrics, group_metrics, kind_confusion
from eval.records import SYSTEM, Outcome
from eval.report import BREAKDOWNS, GoldInfo, Report, SystemResult

__all__ = ["Answerer", "Progress", "evaluate", "llm_judged_skip_reason"]

logger = logging.getLogger(__name__)

#: Called after every answered question: (system name, done, total).
Progress = Callable[[str, int, int], None]


class Answerer(Protocol):
    """The system under test or a baseline."""

    name: str

    def answer(self, question: GoldQuestion) -> Outcome: ...


def llm_judged_skip_reason(environ: dict[str, str] | None = None) -> str:
    """Why faithfulness and answer relevancy were not measured."""
    env = os.environ if environ is None else environ
    if not env.get("PERMANENCE_LLM_BASE_URL"):
        return (
            "no LLM endpoint configured "
            "(set PERMANENCE_LLM_BASE_URL to an OpenAI-compatible server)"
        )
    return (
        "an LLM endpoint is configured, but LLM-judged ragas metrics are not wired into this "
        "suite yet (docs/evaluation.md, 'Not measured')"
    )


def _run_one(
    answerer: Answerer, questions: Sequence[GoldQuestion], progress: Progress | None
) -> dict[str, Outcome]:
    outcomes: dict[str, Outcome] = {}
    for done, question in enumerate(questions, start=1):
        try:
            outcome = answerer.answer(question)
        except TargetError:
            raise
        except Exception as exc:  # one failing question must not sink a whole run
            logger.exception("%s failed on %s", answerer.name, question.id)
            outcome = Outcome(id=question.id, error=f"{type(exc).__name__}: {exc}")
        outcomes[question.id] = outcome
        if progress is not None:
            progress(answerer.name, done, len(questions))
    return outcomes


def _score_contexts(
    questions: Sequence[GoldQuestion], outcomes: dict[str, Outcome], scorer: ContextScorer
) -> dict[str, dict[str, float | None]]:
    scores: dict[str, dict[str, float | None]] = {}
    for question in questions:
        outcome = outcomes.get(question.id)
        if outcome is None or outcome.error is not None:
            continue
        values: dict[str, float | None] = {}
        if question.reference_contexts:
            values.update(
                scorer.score(
                    answer=outcome.answer,
                    retrieved=outcome.contexts,
                    references=question.reference_contexts,
                )
            )
        if question.is_retrieval:
            values.update(id_scores(outcome.context_ids, question.acceptable))
        scores[question.id] = values
    return scores


def _result(
    questions: Sequence[GoldQuestion],
    outcomes: dict[str, Outcome],
    scorer: ContextScorer,
    notes: dict[str, str | int | float] | None = None,
) -> SystemResult:
    scores = _score_contexts(questions, outcomes, scorer)
    breakdowns = {
        name: group_metrics(questions, outcomes, attrgetter(name), context_scores=scores)
        for name in BREAKDOWNS
    }
    return SystemResult(
        overall=compute_metrics(questions, outcomes, context_scores=scores),
        breakdowns=breakdowns,
        outcomes=[outcomes[q.id] for q in questions if q.id in outcomes],
        notes=notes or {},
    )


def evaluate(
    questions: Sequence[GoldQuestion],
    *,
    system: Answerer,
    baselines: Sequence[Answerer] = (),
    scorer: ContextScorer,
    gold_path: str,
    target: str,
    progress: Progress | None = None,
    environment: dict[str, str] | None = None,
    baseline_notes: dict[str, dict[str, str | int | float]] | None = None,
) -> Report:
    """Answer every question with the system and each baseline; compute every metric."""
    if not questions:
        raise ValueError("no question to evaluate; check --languages and --limit")
    system_outcomes = _run_one(system, questions, progress)
    systems = {SYSTEM: _result(questions, system_outcomes, scorer)}
    for baseline in baselines:
        outcomes = _run_one(baseline, questions, progress)
        notes = (baseline_notes or {}).get(baseline.name)
        systems[baseline.name] = _result(questions, outcomes, scorer, notes)
    env = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": str(os.cpu_count()),
    }
    env.update(environment or {})
    return Report(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        target=target,
        gold=GoldInfo(path=gold_path, sha256=gold_digest(questions), questions=len(questions)),
        context_metrics=scorer.name,
        skipped={
            "faithfulness, answer_relevancy (LLM-judged)": llm_judged_skip_reason(),
            "voice channel": "no voice benchmark transcripts with gold ids were found; text only",
        },
        environment=env,
        questions=list(questions),
        systems=systems,
        confusion=kind_confusion(questions, system_outcomes),
    )
