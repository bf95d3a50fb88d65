"""How long the hotline talks: the spoken answers to the dev gold questions, synthesised.

For every public dev question (or ``--per-language`` of each language) the assistant answers
on the runtime of the settings' data dir (``PERMANENCE_DATA_DIR``: the full index after
``make data``, or any smaller one), the answer is written for the ear as the phone hears it
(``assistant_api.voice.spoken_answer``), synthesised by espeak-ng with the numbers slowed, and
measured from the WAV: the body (before the offer — for an emergency, before the transfer
offer), the offer, words, and the estimate the composer used to fit the budget. It also
checks that nothing unreadable is said (parentheses, years, URLs, e-mail addresses, "à
confirmer").

``python -m eval.bench.spoken_answers [--per-language N] [--json out.json]``.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from assistant_api.models import AskRequest
from assistant_api.runtime import AssistantRuntime, open_runtime
from assistant_api.voice.domain import VoiceDomain
from assistant_api.voice.speech_segments import estimate_seconds, join_text, ssml
from assistant_api.voice.spoken_answer import (
    EMERGENCY_BUDGET_S,
    ORIENTATION_BUDGET_S,
    compose_spoken,
)
from assistant_api.voice.tts import Synthesizer
from eval.gold import load_gold
from index import Glossary
from permanence.runtime import configure_process
from permanence.settings import PROJECT_ROOT, Settings, get_settings

__all__ = ["BENCH_PER_LANGUAGE", "UNREADABLE", "bench_section", "main", "measure"]

DEV_GOLD = PROJECT_ROOT / "corpora/gold/dev.jsonl"
#: Questions per language in ``make bench``: 2 × 13 languages ≈ 26 answers, each synthesised
#: twice (body, offer), ≈ 1 min on a 2-core VM. The whole dev set is ``python -m`` this module.
BENCH_PER_LANGUAGE = 2

#: What must never be read aloud.
UNREADABLE = re.compile(
    r"[()\[\]]|https?://|www\.|@|\b(?:19|20)\d\d\b|à confirmer|zu bestätigen|\*\*", re.I
)


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index], 1)


def _summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": _percentile(values, 0.5),
        "p95": _percentile(values, 0.95),
        "max": round(max(values), 1) if values else 0.0,
        "mean": round(statistics.fmean(values), 1) if values else 0.0,
    }


def measure(
    gold: Path,
    *,
    per_language: int | None = None,
    settings: Settings | None = None,
    runtime: AssistantRuntime | None = None,
) -> dict[str, object]:
    """Answer, compose, synthesise and measure; a JSON-ready report.

    ``settings`` default to the environment's; ``runtime``, when given, is used and left open
    (the bench driver shares its own: an index shard opens in one process at a time).
    """
    settings = settings or get_settings()
    owned = runtime is None
    runtime = runtime or open_runtime(settings)
    synthesizer = Synthesizer()
    try:
        glossary = runtime.search_index.retriever.glossary or Glossary.from_file(
            settings.glossary_path
        )
        domain = VoiceDomain.load(
            glossary=glossary,
            glossary_path=settings.glossary_path,
            records=runtime.service.institutions,
            prompts_dir=settings.prompts_dir,
        )
        questions = [q for q in load_gold(gold) if q.audience == "public"]
        if per_language is not None:
            taken: dict[str, int] = defaultdict(int)
            chosen = []
            for q in questions:
                if taken[q.language] < per_language:
                    chosen.append(q)
                    taken[q.language] += 1
            questions = chosen
        rows: list[dict[str, object]] = []
        for question in questions:
            result = runtime.service.ask(
                AskRequest(question=question.question, language=question.language)
            )
            categories = domain.card_categories(result, question.question)
            spoken = compose_spoken(
                result,
                channel="phone",
                categories=categories,
                does=domain.card_does(result),
                sms=True,
            )
            body = synthesizer.synthesize(
                ssml(spoken.body), result.language, fmt="wav", ssml=True
            ).duration_s
            offer = (
                synthesizer.synthesize(
                    ssml(spoken.offer), result.language, fmt="wav", ssml=True
                ).duration_s
                if spoken.offer
                else 0.0
            )
            text = join_text(spoken.body + spoken.offer + spoken.follow)
            rows.append(
                {
                    "id": question.id,
                    "language": result.language,
                    "kind": result.kind,
                    "services": len(spoken.services),
                    "words": spoken.words,
                    "body_s": round(body, 2),
                    "offer_s": round(offer, 2),
                    "estimate_s": round(estimate_seconds(spoken.body, result.language), 2),
                    "unreadable": UNREADABLE.findall(text),
                    "text": spoken.body_text,
                }
            )
    finally:
        if owned:
            runtime.close()
    by_kind: dict[str, list[dict[str, object]]] = defaultdict(list)
    for row in rows:
        by_kind[str(row["kind"])].append(row)
    budgets = {"orientation": ORIENTATION_BUDGET_S, "emergency": EMERGENCY_BUDGET_S}
    kinds: dict[str, object] = {}
    for kind, kind_rows in sorted(by_kind.items()):
        body_s = [float(str(r["body_s"])) for r in kind_rows]
        total_s = [float(str(r["body_s"])) + float(str(r["offer_s"])) for r in kind_rows]
        error = [abs(float(str(r["estimate_s"])) - float(str(r["body_s"]))) for r in kind_rows]
        budget = budgets.get(kind)
        kinds[kind] = {
            "body_s": _summary(body_s),
            "with_offer_s": _summary(total_s),
            "words": _summary([float(str(r["words"])) for r in kind_rows]),
            "services": _summary([float(str(r["services"])) for r in kind_rows]),
            "estimate_abs_error_s": _summary(error),
            "over_budget": sum(1 for s in body_s if budget is not None and s > budget),
            "budget_s": budget,
        }
    by_language: dict[str, dict[str, float]] = {}
    for language in sorted({str(r["language"]) for r in rows}):
        body_s = [
            float(str(r["body_s"]))
            for r in rows
            if r["language"] == language and r["kind"] == "orientation"
        ]
        if body_s:
            by_language[language] = _summary(body_s)
    return {
        "questions": len(rows),
        "kinds": kinds,
        "orientation_by_language": by_language,
        "unreadable": [r for r in rows if r["unreadable"]],
        "longest": sorted(rows, key=lambda r: -float(str(r["body_s"])))[:5],
    }


def bench_section(
    settings: Settings,
    *,
    runtime: AssistantRuntime | None = None,
    per_language: int = BENCH_PER_LANGUAGE,
    gold: Path = DEV_GOLD,
) -> dict[str, object]:
    """The figures ``make bench`` keeps: durations per kind and per language, and how many
    answers said something unreadable (their ids), without the answers' texts; or
    ``{"skipped": reason}`` without the synthesiser's tools."""
    missing = Synthesizer.missing_tools()
    if missing:
        return {
            "skipped": f"{', '.join(missing)} not installed (apt-get install espeak-ng sox ffmpeg)"
        }
    report = measure(gold, per_language=per_language, settings=settings, runtime=runtime)
    unreadable = report["unreadable"]
    ids = [str(row["id"]) for row in unreadable] if isinstance(unreadable, list) else []
    return {
        "per_language": per_language,
        "questions": report["questions"],
        "kinds": report["kinds"],
        "orientation_by_language": report["orientation_by_language"],
        "unreadable": len(ids),
        "unreadable_ids": ids,
    }


def main(argv: Sequence[str] | None = None) -> int:
    configure_process()
    parser = argparse.ArgumentParser(prog="python -m eval.bench.spoken_answers")
    parser.add_argument("--gold", type=Path, default=DEV_GOLD)
    parser.add_argument("--per-language", type=int, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    report = measure(args.gold, per_language=args.per_language)
    text = json.dumps(report, ensure_ascii=False, indent=2)
    if args.json is not None:
        args.json.write_text(text, encoding="utf-8")
    summary = {k: v for k, v in report.items() if k not in {"longest"}}
    sys.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
