"""Embedded-LLM benchmark: load time, llama.cpp speeds and ``/v1/ask`` latency over real HTTP.

For a few dev questions per language it serves the API with ``llm_backend="embedded"`` and
records, per question, the full ``POST /v1/ask`` latency, the composer's outcome (``accepted``,
``repaired`` or the reason of the extractive fallback) and llama.cpp's own counters: prompt tokens
evaluated and their speed, generated tokens and their speed, time to the first token. Questions
run one after the other, as the single llama context serves them. ``python -m
eval.bench.llm`` prints the JSON report (the data dir must hold an index).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from assistant_api import open_runtime
from assistant_api.llm.composer import LLMComposer
from assistant_api.llm.embedded import EmbeddedChatClient
from eval.gold import GoldQuestion, load_gold
from permanence.settings import PROJECT_ROOT, Settings

__all__ = ["pick_questions", "run_llm_benchmark"]

DEV_GOLD = PROJECT_ROOT / "corpora" / "gold" / "dev.jsonl"


def pick_questions(
    gold: Sequence[GoldQuestion], languages: Sequence[str], per_language: int
) -> list[GoldQuestion]:
    """The first ``per_language`` orientation questions of each language, in file order."""
    picked: list[GoldQuestion] = []
    for language in languages:
        rows = [q for q in gold if q.language == language and q.kind == "orientation"]
        picked.extend(rows[:per_language])
    return picked


def _summary(values: Sequence[float]) -> dict[str, float] | None:
    if not values:
        return None
    return {
        "mean": round(statistics.fmean(values), 2),
        "p50": round(statistics.median(values), 2),
        "max": round(max(values), 2),
    }


def run_llm_benchmark(settings: Settings, questions: Sequence[GoldQuestion]) -> dict[str, object]:
    """Answer ``questions`` through a live API whose composer is the embedded LLM."""
    from assistant_api import create_app
    from permanence.testing.servers import run_uvicorn

    if settings.llm.backend != "embedded":
        raise ValueError("run the LLM benchmark with llm_backend='embedded'")
    opened = time.perf_counter()
    runtime = open_runtime(settings)
    open_s = time.perf_counter() - opened
    composer = runtime.composer
    if not isinstance(composer, LLMComposer) or not isinstance(composer.client, EmbeddedChatClient):
        raise RuntimeError("the runtime did not build the embedded LLM composer")
    client = composer.client
    rows: list[dict[str, object]] = []
    try:
        with (
            run_uvicorn(create_app(settings, runtime=runtime)) as url,
            httpx.Client(timeout=settings.llm.embedded_timeout_s + 60) as http,
        ):
            for question in questions:
                outcomes: list[str] = []
                # After the app's lifespan: it installs the metrics listener at start-up.
                composer.set_outcome_listener(outcomes.append)
                client.last_stats = None
                started = time.perf_counter()
                response = http.post(f"{url}/v1/ask", json={"question": question.question})
                latency = time.perf_counter() - started
                response.raise_for_status()
                body = response.json()
                stats = client.last_stats
                row: dict[str, object] = {
                    "id": question.id,
                    "language": question.language,
                    "kind": body["kind"],
                    "outcome": outcomes[0] if outcomes else "not_sent",
                    "ask_s": round(latency, 2),
                    "answer": body["answer"],
                }
                if stats is not None:
                    row |= {
                        "prompt_tokens": stats.prompt_tokens,
                        "prompt_tok_s": round(stats.prompt_tokens_per_s, 1),
                        "completion_tokens": stats.completion_tokens,
                        "generation_tok_s": round(stats.generation_tokens_per_s, 1),
                        "first_token_s": round(stats.first_token_s, 2),
                        "llm_s": round(stats.total_s, 2),
                        "finish_reason": stats.finish_reason,
                    }
                rows.append(row)
    finally:
        runtime.close()
    timed = [r for r in rows if "llm_s" in r]

    def values(key: str) -> list[float]:
        return [float(r[key]) for r in timed]  # type: ignore[arg-type]

    outcomes_count: dict[str, int] = {}
    for row in rows:
        outcome = str(row["outcome"])
        outcomes_count[outcome] = outcomes_count.get(outcome, 0) + 1
    return {
        "machine": {"cpus": os.cpu_count(), "threads": settings.llm.embedded_threads},
        "settings": {
            "n_ctx": settings.llm.embedded_ctx,
            "max_tokens": settings.llm.embedded_max_tokens,
            "timeout_s": settings.llm.embedded_timeout_s,
        },
        "model_load_s": round(client.load_s, 2),
        "runtime_open_s": round(open_s, 2),
        "outcomes": outcomes_count,
        "ask_s": _summary([float(r["ask_s"]) for r in rows]),  # type: ignore[arg-type]
        "first_token_s": _summary(values("first_token_s")),
        "prompt_tok_s": _summary(values("prompt_tok_s")),
        "generation_tok_s": _summary(values("generation_tok_s")),
        "questions": rows,
    }


def main() -> None:
    """CLI: ``python -m eval.bench.llm [--languages fr,ar,de] [--per-language 2]``."""
    from permanence.settings import get_settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--gold", type=Path, default=DEV_GOLD)
    parser.add_argument("--languages", default="fr,ar,de")
    parser.add_argument("--per-language", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON here")
    args = parser.parse_args()
    settings = get_settings().updated({"llm": {"backend": "embedded"}})
    questions = pick_questions(
        load_gold(args.gold), [x.strip() for x in args.languages.split(",")], args.per_language
    )
    report = json.dumps(run_llm_benchmark(settings, questions), ensure_ascii=False, indent=2)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(report + "\n", encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
