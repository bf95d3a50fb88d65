"""One evaluation run from options: open the target and the baselines, answer, report.

Shared by ``permanence eval`` and the gate test, so that CI measures exactly what the command
measures. In-process runs open the assistant with ``assistant_api.runtime.open_runtime`` (the
same components as the HTTP API); HTTP runs only need the URL, plus the local index when
baselines are asked for.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import httpx

from eval.baselines import Bm25Baseline, DenseBaseline
from eval.context_metrics import best_scorer
from eval.errors import TargetError
from eval.gold import GoldQuestion, filter_questions, load_gold, select_subset
from eval.judge import LlmJudge, judge_config
from eval.llamaindex_baseline import LlamaIndexBaseline
from eval.report import Report
from eval.runner import Answerer, Progress, evaluate
from eval.speaking import parse_conditions
from eval.targets import HttpTarget, InProcessTarget
from eval.voice import (
    DEFAULT_CONDITION,
    VOICE_TIMEOUT_S,
    QuestionSpeaker,
    VoiceTarget,
    in_process_voice_client,
    select_voice_questions,
)
from permanence.settings import Settings

__all__ = ["BaselineChoice", "EvalOptions", "questions_for", "run_eval", "unanswerable_here"]

logger = logging.getLogger(__name__)

BaselineChoice = Literal["none", "cheap", "all"]


@dataclass(frozen=True, slots=True)
class EvalOptions:
    """What to evaluate, as the command line says it."""

    gold: Path
    url: str | None = None
    pro_token: str | None = None
    #: ``cheap``: BM25 and each dense model alone, on the index already open in-process (a few
    #: seconds); ``all``: also the llama-index baseline (the ``eval`` extra, builds its own
    #: index); ``none``.
    baselines: BaselineChoice = "none"
    limit: int | None = None
    languages: tuple[str, ...] = ()
    subset: int | None = None
    prefer_ragas: bool = True
    environment: dict[str, str] = field(default_factory=dict)
    #: LLM judge endpoint and model; default ``PERMANENCE_LLM_BASE_URL`` / ``_MODEL``.
    judge_url: str | None = None
    judge_model: str | None = None
    #: Do not judge even when an endpoint is configured.
    no_judge: bool = False
    #: Questions per language also asked aloud through ``POST /v1/voice`` (0: text only).
    voice_per_language: int = 0
    #: Speaking conditions of the spoken questions (``eval.voice.SPEAKING_CONDITIONS``):
    #: ``16k`` (browser-like), ``phone`` (8 kHz mu-law), with noise, other voices and speeds.
    voice_audio: tuple[str, ...] = (DEFAULT_CONDITION,)
    #: Send the gold language with each recording instead of letting Whisper identify it.
    voice_language_hint: bool = False

    def __post_init__(self) -> None:
        # A condition list, not one string (``("phone",)``, never ``"phone"``): checked here so
        # a wrong name fails before any question is asked.
        if isinstance(self.voice_audio, str):
            raise ValueError(f"voice_audio is a tuple of conditions, got {self.voice_audio!r}")
        parse_conditions(",".join(self.voice_audio))


def questions_for(options: EvalOptions) -> list[GoldQuestion]:
    """The questions of the run: the gate subset, or the gold filtered by language and limit."""
    questions = load_gold(options.gold)
    if options.subset is not None:
        questions = select_subset(questions, options.subset)
    return filter_questions(questions, languages=options.languages, limit=options.limit)


def unanswerable_here(questions: list[GoldQuestion], options: EvalOptions) -> list[GoldQuestion]:
    """Questions this run cannot ask: professional ones over HTTP without a token.

    A server answers them 401; counted as misses they would lower every figure without saying
    why (hit@3 0.93 → 0.84 on the test set), so they are left out and the report says so.
    """
    if options.url is None or options.pro_token:
        return []
    return [q for q in questions if q.audience == "professional"]


@dataclass(frozen=True, slots=True)
class _Opened:
    system: Answerer
    baselines: list[Answerer]
    notes: dict[str, dict[str, str | int | float]]
    voice: Answerer | None


@contextlib.contextmanager
def _opened(settings: Settings, options: EvalOptions) -> Iterator[_Opened]:
    from assistant_api import open_runtime
    from index import open_search_index
    from ingest import DocumentStore

    with contextlib.ExitStack() as stack:
        search_index = None
        system: Answerer
        voice: Answerer | None = None
        speaker = QuestionSpeaker(options.voice_audio[0]) if options.voice_per_language else None
        if options.url is None:
            runtime = open_runtime(settings)
            stack.callback(runtime.close)
            system = InProcessTarget(runtime.service)
            search_index = runtime.search_index
            if speaker is not None:
                client = stack.enter_context(in_process_voice_client(settings, runtime))
                voice = VoiceTarget(client, speaker, language_hint=options.voice_language_hint)
        else:
            http = HttpTarget(options.url, pro_token=options.pro_token)
            stack.callback(http.close)
            system = http
            if speaker is not None:
                spoken = VoiceTarget(
                    httpx.Client(base_url=options.url.rstrip("/"), timeout=VOICE_TIMEOUT_S),
                    speaker,
                    language_hint=options.voice_language_hint,
                )
                stack.callback(spoken.close)
                voice = spoken
        baselines: list[Answerer] = []
        notes: dict[str, dict[str, str | int | float]] = {}
        if options.baselines != "none":
            if search_index is None:
                api_key = (
                    settings.qdrant_api_key.get_secret_value() if settings.qdrant_api_key else None
                )
                search_index = open_search_index(
                    data_dir=settings.data_dir,
                    embed_models=settings.embed_models,
                    qdrant_url=settings.qdrant_url,
                    qdrant_api_key=api_key,
                    collection=settings.collection,
                )
                stack.callback(search_index.close)
            baselines.append(Bm25Baseline(backend=search_index.backend, sparse=search_index.sparse))
            baselines += [
                DenseBaseline(backend=search_index.backend, embedder=e)
                for e in search_index.embedders
            ]
        if options.baselines == "all":
            assert search_index is not None
            store = stack.enter_context(DocumentStore(settings.store_path))
            llama = LlamaIndexBaseline(
                documents=store.documents(), embedder=search_index.embedders[0]
            )
            llama.warm_up()
            stack.callback(llama.close)
            notes[llama.name] = {
                "nodes": llama.nodes,
                "build_seconds": round(llama.build_seconds, 2),
                "embedder": search_index.embedders[0].name,
            }
            baselines.append(llama)
        yield _Opened(system=system, baselines=baselines, notes=notes, voice=voice)


def run_eval(
    settings: Settings, options: EvalOptions, *, progress: Progress | None = None
) -> Report:
    """Run the questions of ``options`` and return the report (nothing is written)."""
    questions = questions_for(options)
    left_out = unanswerable_here(questions, options)
    left_ids = {q.id for q in left_out}
    questions = [q for q in questions if q.id not in left_ids]
    if not questions:
        raise TargetError("no question of the gold set can be asked here (see the notes above)")
    spoken = (
        select_voice_questions(questions, options.voice_per_language, options.voice_audio)
        if options.voice_per_language
        else []
    )
    scorer = best_scorer(prefer_ragas=options.prefer_ragas)
    environment = {"embed_models": ",".join(settings.embed_models), **options.environment}
    if left_out:
        environment["questions left out"] = (
            f"{len(left_out)} professional questions (no professional token for {options.url}; "
            "set PERMANENCE_EVAL_PRO_TOKEN)"
        )
    if spoken:
        environment["voice"] = (
            f"{len(spoken)} questions ({options.voice_per_language} per language"
            + (
                f" × {len(options.voice_audio)} speaking conditions"
                if len(options.voice_audio) > 1
                else ""
            )
            + f"), espeak-ng → {', '.join(options.voice_audio)} WAV → POST /v1/voice "
            f"({'gold language sent' if options.voice_language_hint else 'language detected'}), "
            f"Whisper base, {settings.voice.whisper_threads} threads"
        )
    config = (
        None
        if options.no_judge
        else judge_config(settings, url=options.judge_url, model=options.judge_model)
    )
    judge = LlmJudge(config) if config is not None else None
    with contextlib.ExitStack() as stack:
        if judge is not None:
            stack.callback(judge.close)
        opened = stack.enter_context(_opened(settings, options))
        return evaluate(
            questions,
            system=opened.system,
            baselines=opened.baselines,
            scorer=scorer,
            gold_path=str(options.gold),
            target=options.url or "in-process",
            progress=progress,
            environment=environment,
            baseline_notes=opened.notes,
            judge=judge,
            voice=opened.voice,
            spoken=spoken,
        )
