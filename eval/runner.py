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
from eval.judge import LlmJudge
from eval.metrics import compute_metrics, group_metrics, kind_confusion
from eval.records import SYSTEM, Outcome
from eval.report import BREAKDOWNS, GoldInfo, Report, SystemResult
from eval.speaking import condition_of
from eval.voice import text_id

__all__ = [
    "JUDGED_SKIP_KEY",
    "Answerer",
    "Progress",
    "evaluate",
    "llm_judged_skip_reason",
]

logger = logging.getLogger(__name__)

#: Called after every answered question: (system name, done, total).
Progress = Callable[[str, int, int], None]


class Answerer(Protocol):
    """The system under test or a baseline."""

    name: str

    def answer(self, question: GoldQuestion) -> Outcome: ...


#: Why the voice channel has no figures in a run without ``--voice``.
VOICE_NOT_RUN = (
    "not run; pass --voice N to speak N questions per language (espeak-ng) through POST /v1/voice"
)
#: Why Tigrinya questions are never spoken (eval/voice.py).
VOICE_NO_TI = (
    "espeak-ng has no Tigrinya voice and Whisper does not know the language; "
    "Tigrinya questions are evaluated typed only"
)

#: Key of the LLM-judged metrics in ``Report.skipped`` when no judge ran.
JUDGED_SKIP_KEY = "faithfulness, answer_relevancy (LLM-judged)"


def llm_judged_skip_reason() -> str:
    """Why faithfulness and answer relevancy were not measured (no judge for this run)."""
    return (
        "no LLM endpoint configured (set PERMANENCE_LLM_BASE_URL and PERMANENCE_LLM_MODEL, "
        "or pass --judge-url and --judge-model, to an OpenAI-compatible server)"
    )


def _judge_scores(
    questions: Sequence[GoldQuestion],
    outcomes: dict[str, Outcome],
    judge: LlmJudge,
    scores: dict[str, dict[str, float | None]],
    progress: Progress | None,
) -> None:
    """Add faithfulness and answer relevancy to ``scores`` (docs/evaluation.md says over what).

    Faithfulness: answers with at least one citation snippet. Answer relevancy: answers with
    text to questions that are not out of scope (a refusal is judged by out-of-scope accuracy).
    A judgement that failed is kept as ``None`` so the metric still shows as measured.
    """
    answered = [q for q in questions if (o := outcomes.get(q.id)) is not None and o.error is None]
    for done, question in enumerate(answered, start=1):
        outcome = outcomes[question.id]
        values = scores.setdefault(question.id, {})
        if outcome.contexts and outcome.answer.strip():
            values["faithfulness"] = judge.faithfulness(outcome.answer, outcome.contexts)
        if question.kind != "out_of_scope" and outcome.answer.strip():
            values["answer_relevancy"] = judge.answer_relevancy(question.question, outcome.answer)
        if progress is not None:
            progress("judge", done, len(answered))


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
    judge: LlmJudge | None = None,
    progress: Progress | None = None,
    spoken: Sequence[GoldQuestion] = (),
    spoken_outcomes: dict[str, Outcome] | None = None,
) -> SystemResult:
    """Metrics of one system. ``overall`` and every breakdown but ``channel`` are over the
    typed questions, so they stay comparable with runs without ``--voice``; ``channel`` puts
    the spoken copies next to them, and ``voice_language`` / ``voice_language_typed`` compare
    the spoken questions with the same questions typed, language by language (and ``all``);
    with several speaking conditions, ``voice_condition`` has them per ``<condition>/<language>``
    (and ``<condition>/all``)."""
    heard = spoken_outcomes or {}
    scores = _score_contexts(questions, outcomes, scorer)
    if judge is not None:
        _judge_scores(questions, outcomes, judge, scores, progress)
        notes = {**(notes or {}), **judge.stats.as_notes(), "judge_model": judge.config.model}
    scores.update(_score_contexts(spoken, heard, scorer))
    every = [*questions, *spoken]
    merged = {**outcomes, **heard}
    breakdowns = {
        name: group_metrics(
            every if name == "channel" else questions,
            merged,
            attrgetter(name),
            context_scores=scores,
        )
        for name in BREAKDOWNS
    }
    if spoken:
        typed_ids = {text_id(q.id) for q in spoken}
        by_language = attrgetter("language")
        twins = [q for q in questions if q.id in typed_ids]
        breakdowns["voice_language"] = {
            **group_metrics(spoken, heard, by_language, context_scores=scores),
            "all": compute_metrics(spoken, heard, context_scores=scores),
        }
        breakdowns["voice_language_typed"] = {
            **group_metrics(twins, outcomes, by_language, context_scores=scores),
            "all": compute_metrics(twins, outcomes, context_scores=scores),
        }
        if any(condition_of(q.id) for q in spoken):
            breakdowns["voice_condition"] = {
                **group_metrics(
                    spoken, heard, lambda q: f"{condition_of(q.id)}/all", context_scores=scores
                ),
                **group_metrics(
                    spoken,
                    heard,
                    lambda q: f"{condition_of(q.id)}/{q.language}",
                    context_scores=scores,
                ),
            }
    return SystemResult(
        overall=compute_metrics(questions, outcomes, context_scores=scores),
        breakdowns=breakdowns,
        outcomes=[merged[q.id] for q in every if q.id in merged],
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
    judge: LlmJudge | None = None,
    voice: Answerer | None = None,
    spoken: Sequence[GoldQuestion] = (),
) -> Report:
    """Answer every question with the system and each baseline; compute every metric.

    With a ``judge``, the system's answers also get faithfulness and answer relevancy (the
    baselines compose no answer, so they are not judged). With ``voice``, the ``spoken``
    copies (eval/voice.py) are answered through it and reported as channel ``voice``.
    """
    if not questions:
        raise ValueError("no question to evaluate; check --languages and --limit")
    if spoken and voice is None:
        raise ValueError("spoken questions need a voice target")
    system_outcomes = _run_one(system, questions, progress)
    spoken_outcomes = _run_one(voice, spoken, progress) if voice is not None else {}
    systems = {
        SYSTEM: _result(
            questions,
            system_outcomes,
            scorer,
            judge=judge,
            progress=progress,
            spoken=spoken,
            spoken_outcomes=spoken_outcomes,
        )
    }
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
    skipped = {"voice channel": VOICE_NOT_RUN} if not spoken else {"voice, Tigrinya": VOICE_NO_TI}
    if judge is None:
        skipped = {JUDGED_SKIP_KEY: llm_judged_skip_reason(), **skipped}
    else:
        env["judge"] = f"{judge.config.model} at {judge.config.completions_url}"
    return Report(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        target=target,
        gold=GoldInfo(path=gold_path, sha256=gold_digest(questions), questions=len(questions)),
        context_metrics=scorer.name,
        skipped=skipped,
        environment=env,
        questions=[*questions, *spoken],
        systems=systems,
        confusion=kind_confusion(questions, system_outcomes),
    )
