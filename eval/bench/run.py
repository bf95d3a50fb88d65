"""Every performance figure in one run on this machine, so that ratios between them hold.

Sections: crawl, index build, query latency at corpus size and at 100k synthetic chunks,
``/v1/ask`` single client and under concurrent load, voice real-time factor, how long the
hotline's spoken answers last, recognition WER and spoken hit@3 on telephone audio, peak
memory.
Each section returns its figures or ``{"skipped": reason}`` when its component is absent.
The load average before and after is recorded: on a shared VM it explains a slow figure.
"""

from __future__ import annotations

import logging
import os
import resource
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from eval.bench.abuse import run_abuse
from eval.bench.load import run_concurrent, run_sequential
from eval.bench.machine import bench_environment
from eval.bench.server import (
    LIFTED_LIMITS,
    limit_variables,
    peak_rss_mib,
    serve_in_thread,
    serve_subprocess,
)
from eval.bench.synthetic import synthetic_latency
from eval.gold import load_gold
from eval.metrics import percentile
from permanence.settings import PROJECT_ROOT, LimitSettings, Settings, VoiceSettings

if TYPE_CHECKING:
    from assistant_api import AssistantRuntime

__all__ = ["BenchConfig", "run_bench"]

logger = logging.getLogger(__name__)

Figures = dict[str, object]


@dataclass(frozen=True, slots=True)
class BenchConfig:
    """Sizes of one bench run; ``quick()`` fits a test's time budget."""

    corpus_records: int | None = None  # None: the whole corpus
    corpus_queries: int = 100
    synthetic_chunks: int = 100_000
    synthetic_queries: int = 100
    #: Other questions asked untimed before the timed ones (page cache, allocator, thread pools).
    warmup_queries: int = 50
    optimize_synthetic: bool = True
    single_requests: int = 100
    concurrent_clients: int = 16
    concurrent_seconds: float = 60.0
    concurrent_max_requests: int = 20_000
    api_subprocess: bool = True
    optional_sections: bool = True  # crawl and voice delegate to their packages' benchmarks
    #: Dev questions per language whose spoken answer is synthesised and timed: 2 × 13
    #: languages = 26 answers (``eval.bench.spoken_answers``; 22 s on 2 cores at load 20).
    spoken_answers_per_language: int = 2
    #: Telephone clips per language, transcribed under ``recognition.BENCH_CONDITIONS`` (3):
    #: 1 × 12 languages × 3 = 36 transcriptions; at Whisper base's real-time factor on 2 idle
    #: cores (≈ 0.5, the voice section) ≈ 2 min, so both sections stay under 5 min. Under
    #: heavy load it is slower (see BENCH_CONDITIONS). Larger samples: ``python -m`` either.
    recognition_per_language: int = 1
    redactor: str = "presidio"  # the production default; loads in the background at start-up
    settle_s: float = 60.0  # idle wait after start-up so that loading does not skew latency
    embed_models: str = "use"
    abuse_seconds: float = 20.0  # each of the quiet and the abused phase
    abuse_connections: int = 32

    @classmethod
    def quick(cls, embed_models: str = "use") -> BenchConfig:
        return cls(
            corpus_records=12,
            corpus_queries=10,
            synthetic_chunks=2_000,
            synthetic_queries=10,
            warmup_queries=2,
            optimize_synthetic=False,
            single_requests=5,
            concurrent_clients=4,
            concurrent_seconds=2.0,
            concurrent_max_requests=40,
            api_subprocess=False,
            optional_sections=False,
            spoken_answers_per_language=1,
            recognition_per_language=1,
            redactor="regex",
            settle_s=0.0,
            embed_models=embed_models,
            abuse_seconds=2.0,
            abuse_connections=8,
        )


def _plain(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    dump = getattr(value, "model_dump", None)
    return dump(mode="json") if callable(dump) else value


_QUICK_SKIP = {"skipped": "not run in --quick mode (run `make bench` for this figure)"}


def _crawl_benchmark() -> Callable[..., object]:
    from eval.bench.crawl import run_crawl_benchmark

    return run_crawl_benchmark


def _voice_benchmark() -> Callable[..., object]:
    from eval.bench.voice import run_voice_benchmark  # needs the voice extra (faster-whisper)

    return run_voice_benchmark


def _spoken_answers_benchmark() -> Callable[..., object]:
    from eval.bench.spoken_answers import bench_section  # needs espeak-ng, sox, ffmpeg

    return bench_section


def _recognition_benchmark() -> Callable[..., object]:
    from eval.bench.recognition import bench_section  # needs the voice extra (faster-whisper)

    return bench_section


def _optional(
    name: str, load: Callable[[], Callable[..., object]], *args: object, **kwargs: object
) -> Figures:
    """Run the section that ``load`` imports when its dependencies are installed; else say why.

    The sections import lazily so that a machine without an optional extra still benches the
    rest; the import is direct (no module looked up by name), so the layering stays visible.
    """
    try:
        target = load()
    except ModuleNotFoundError as exc:
        return {"skipped": f"{name} is not available ({exc.name} missing)"}
    try:
        result = _plain(target(*args, **kwargs))
    except Exception as exc:  # a broken optional section must not sink the others
        logger.exception("%s failed", name)
        return {"skipped": f"{name} failed: {type(exc).__name__}: {exc}"}
    return result if isinstance(result, dict) else {"result": result}


def _timed(name: str, section: Callable[[], Figures], figures: dict[str, Figures]) -> None:
    started = time.perf_counter()
    try:
        figures[name] = section()
    except Exception as exc:
        logger.exception("bench section %s failed", name)
        figures[name] = {"skipped": f"failed: {type(exc).__name__}: {exc}"}
    figures[name]["section_s"] = round(time.perf_counter() - started, 2)
    logger.info("bench %s: %s", name, figures[name])


def run_bench(out_dir: Path, config: BenchConfig, *, mode: str = "full") -> dict[str, Figures]:
    """Run every section; the data dir lives in a temporary folder removed at the end.

    ``mode`` is recorded in ``environment`` (``full`` or ``quick``): the README renderer
    refuses a quick run's figures.
    """
    from assistant_api import open_runtime
    from index import open_search_index
    from ingest import DocumentStore
    from ingest.corpus_sync import read_institutions, sync_corpus

    out_dir.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Figures] = {"environment": bench_environment(config.embed_models, mode)}
    work = Path(tempfile.mkdtemp(prefix="permanence-bench-"))
    try:
        data_dir = work / "data"
        _timed(
            "crawl",
            lambda: (
                _optional("eval.bench.crawl", _crawl_benchmark, work / "crawl")
                if config.optional_sections
                else dict(_QUICK_SKIP)
            ),
            figures,
        )
        records = read_institutions(PROJECT_ROOT / "corpora" / "neuchatel")
        if config.corpus_records is not None:
            records = records[: config.corpus_records]
        questions = [q.question for q in load_gold(PROJECT_ROOT / "corpora" / "gold" / "dev.jsonl")]

        def index_build() -> Figures:
            with DocumentStore(data_dir / "documents.db") as store:
                sync_corpus(store, records)
                documents = store.documents()
            models = [m.strip() for m in config.embed_models.split(",") if m.strip()]
            search_index = open_search_index(data_dir=data_dir, embed_models=models)
            try:
                started = time.perf_counter()
                report = search_index.indexer.run(documents)
                cold = time.perf_counter() - started
                started = time.perf_counter()
                again = search_index.indexer.run(documents)
                unchanged = time.perf_counter() - started
            finally:
                search_index.close()
            return {
                "documents": report.documents,
                "chunks": report.chunks,
                "seconds": round(cold, 2),
                "chunks_per_s": round(report.embedded / cold, 2) if cold else None,
                "unchanged_rerun_s": round(unchanged, 3),
                "unchanged_rerun_embedded": again.embedded,
            }

        _timed("index_build", index_build, figures)
        settings = Settings(
            data_dir=data_dir,
            embed_models=[m.strip() for m in config.embed_models.split(",") if m.strip()],
            limits=LIFTED_LIMITS,
            voice=VoiceSettings(enabled=False),
            redactor=config.redactor,
        )
        runtime = open_runtime(settings)
        open_runtimes = [runtime]

        def close_runtime() -> None:
            while open_runtimes:
                open_runtimes.pop().close()

        try:
            timed = max(config.corpus_queries, config.synthetic_queries)
            warmup = questions[timed : timed + config.warmup_queries]

            timed_questions = questions[: config.corpus_queries]

            def corpus_queries() -> Figures:
                retriever = runtime.search_index.retriever
                return {
                    "chunks": runtime.search_index.backend.count(),
                    "queries": len(timed_questions),
                    "warmup_queries": len(warmup),
                    **_percentiles(
                        lambda q: retriever.run(query=q, top_k=5), warmup, timed_questions
                    ),
                }

            _timed("query_latency_corpus", corpus_queries, figures)

            def question_embedding() -> Figures:
                """Each dense model alone on the timed questions: what a query's time is made of."""
                by_model: Figures = {
                    embedder.name: _percentiles(embedder.embed_query, warmup, timed_questions)
                    for embedder in runtime.search_index.embedders
                }
                return {"queries": len(timed_questions), "models": by_model}

            _timed("question_embedding", question_embedding, figures)

            retriever_glossary = runtime.search_index.retriever.glossary

            def synthetic() -> Figures:
                return dict(
                    synthetic_latency(
                        work / "synthetic",
                        chunks=config.synthetic_chunks,
                        embedders=runtime.search_index.embedders,
                        sparse=runtime.search_index.sparse,
                        corpus_texts=[r.model_dump_json() for r in records],
                        institutions=[r.id for r in records],
                        questions=questions[: config.synthetic_queries],
                        warmup_questions=warmup,
                        glossary=retriever_glossary,
                        optimize=config.optimize_synthetic,
                    )
                )

            _timed("query_latency_synthetic", synthetic, figures)

            def api() -> Figures:
                if config.api_subprocess:
                    close_runtime()  # the shard can be open in one process only
                    server = serve_subprocess(
                        data_dir, config.embed_models, config.redactor, out_dir / "api.log"
                    )
                else:
                    server = serve_in_thread(settings, runtime)
                with server as running:
                    time.sleep(config.settle_s)
                    run_sequential(running.url, questions[:3], requests=3)  # warm-up
                    single = run_sequential(running.url, questions, requests=config.single_requests)
                    loaded = run_concurrent(
                        running.url,
                        questions,
                        clients=config.concurrent_clients,
                        seconds=config.concurrent_seconds,
                        max_requests=config.concurrent_max_requests,
                    )
                    memory = peak_rss_mib(running.pid)
                return {
                    "server": "subprocess" if running.pid else "thread of the bench process",
                    "redactor": config.redactor,
                    "single": single.as_dict(),
                    "concurrent": loaded.as_dict(),
                    "api_peak_rss_mib": memory,
                }

            _timed("api", api, figures)

            def voice() -> Figures:
                if not config.optional_sections:
                    return dict(_QUICK_SKIP)
                voice_settings = settings.updated({"voice": {"enabled": True}})
                return _optional(
                    "eval.bench.voice",
                    _voice_benchmark,
                    voice_settings,
                    runtime=open_runtimes[0] if open_runtimes else None,
                )

            _timed("voice", voice, figures)

            def shared_runtime() -> AssistantRuntime:
                """The bench's runtime, reopened when the API section closed it for its
                subprocess (the sections below run in this process)."""
                if not open_runtimes:
                    open_runtimes.append(open_runtime(settings))
                return open_runtimes[0]

            def spoken_answers() -> Figures:
                if not config.optional_sections:
                    return dict(_QUICK_SKIP)
                return _optional(
                    "eval.bench.spoken_answers",
                    _spoken_answers_benchmark,
                    settings,
                    runtime=shared_runtime(),
                    per_language=config.spoken_answers_per_language,
                )

            _timed("spoken_answers", spoken_answers, figures)

            def recognition() -> Figures:
                if not config.optional_sections:
                    return dict(_QUICK_SKIP)
                return _optional(
                    "eval.bench.recognition",
                    _recognition_benchmark,
                    settings.updated({"voice": {"enabled": True}}),
                    runtime=shared_runtime(),
                    per_language=config.recognition_per_language,
                )

            _timed("recognition", recognition, figures)

            def abuse() -> Figures:
                # The production limits, not the lifted ones of the sections above.
                limits = LimitSettings()
                if config.api_subprocess:
                    close_runtime()
                    server = serve_subprocess(
                        data_dir,
                        config.embed_models,
                        config.redactor,
                        out_dir / "api-abuse.log",
                        environment=limit_variables(limits),
                    )
                else:
                    server = serve_in_thread(
                        settings.updated({"limits": limits.model_dump()}), runtime
                    )
                with server as running:
                    time.sleep(config.settle_s)
                    run_sequential(running.url, questions[:3], requests=3)  # warm-up
                    result = run_abuse(
                        running.url,
                        questions,
                        seconds=config.abuse_seconds,
                        flood_connections=config.abuse_connections,
                    )
                return {
                    "server": "subprocess" if running.pid else "thread of the bench process",
                    "requests_per_minute": limits.requests_per_minute,
                    "max_in_flight": limits.max_in_flight,
                    "client_in_flight": limits.client_in_flight,
                    "staff_in_flight": limits.staff_in_flight,
                    **result.as_dict(),
                }

            _timed("abuse", abuse, figures)
        finally:
            close_runtime()
        usage_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        usage_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        figures["memory"] = {
            "bench_process_peak_rss_mib": round(usage_self, 1),
            "largest_child_peak_rss_mib": round(usage_children, 1),
        }
        figures["environment"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return figures


def _percentiles(
    call: Callable[[str], object], warmup: Sequence[str], timed: Sequence[str]
) -> Figures:
    """p50/p95 milliseconds of ``call`` on ``timed``, after ``warmup`` untimed."""
    for question in warmup:
        call(question)
    latencies = []
    for question in timed:
        started = time.perf_counter()
        call(question)
        latencies.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": _round(percentile(latencies, 50)),
        "p95_ms": _round(percentile(latencies, 95)),
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
