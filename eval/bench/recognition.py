"""Recognition tuned to the domain, lever by lever: WER and spoken hit@3 on telephone audio.

A few public dev questions per language (``eval.voice.select_voice_questions``, hash order) are
read by espeak-ng with the product's synthesiser and converted to 8 kHz mu-law, what a phone
line delivers (``--profile 16k``: 16 kHz, what a browser sends). Each clip is transcribed by
Whisper base under five conditions, and the transcript answered on the runtime of the
settings' data dir:

- ``auto``: Whisper identifies the language (no menu choice), no hints;
- ``forced``: the language of the question forced (the phone menu's choice);
- ``forced+prompt``: and the initial prompt of the domain (``voice.recognition``);
- ``forced+hotwords``: and the hotwords (communes, villages, acronyms);
- ``forced+both``: prompt and hotwords, what the hotline does.

With ``--normalise`` each condition's transcript is also answered after the transcript matcher
(:mod:`assistant_api.voice.normalise`: place names and need words of the caller's language
corrected by spelling and sound), as the condition ``<condition>+normalised``: the same clip
and transcription, so the difference is the matcher's alone.

Reported per condition and per language: WER against the question, spoken hit@3 against its
acceptable institutions (retrieval questions only) and the typed hit@3 of the same questions
beside it. ``--false-corrections`` instead runs the matcher on every typed dev question and
reports how many it changed (it must leave at least 99 % of them unchanged). espeak-ng is
robotic speech: a WER here measures the pipeline on that voice, not on human callers.

``python -m eval.bench.recognition [--per-language N] [--normalise] [--json out.json]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from assistant_api.models import AskRequest
from assistant_api.runtime import AssistantRuntime, open_runtime
from assistant_api.triage.language import SUPPORTED_LANGUAGES
from assistant_api.voice.audio import AudioLimits, decode_upload
from assistant_api.voice.channel import answer_language
from assistant_api.voice.domain import VoiceDomain
from assistant_api.voice.model_files import ensure_whisper_model
from assistant_api.voice.normalise import TranscriptMatcher, build_matcher
from assistant_api.voice.recognition import NO_HINTS, RecognitionHints
from assistant_api.voice.transcriber import Transcriber
from assistant_api.voice.tts import Synthesizer
from eval.gold import GoldQuestion, load_gold
from eval.metrics import reciprocal_rank
from eval.voice import AUDIO_PROFILES, AudioProfile, QuestionSpeaker, select_voice_questions
from eval.wer import word_error_rate
from index import Glossary
from permanence.runtime import configure_process
from permanence.settings import PROJECT_ROOT, Settings, get_settings

__all__ = [
    "BENCH_PER_LANGUAGE",
    "CONDITIONS",
    "NORMALISED",
    "bench_section",
    "false_corrections",
    "main",
    "measure",
]

DEV_GOLD = PROJECT_ROOT / "corpora/gold/dev.jsonl"
#: Clips per language in ``make bench`` (1 × 12 espeak-ng languages); more is ``python -m``.
BENCH_PER_LANGUAGE = 1

CONDITIONS: tuple[str, ...] = (
    "auto",
    "forced",
    "forced+prompt",
    "forced+hotwords",
    "forced+both",
)
#: The conditions ``make bench`` times: what the menu's language choice buys, and what the
#: hints add on top (the hotline). 12 clips × 3 = 36 transcriptions; all five on 12 clips took
#: 859 s on 2 cores at load average 18-21 (p50 9-18 s a clip), too long for the bench. The
#: prompt and hotwords alone are diagnostics: ``python -m eval.bench.recognition``.
BENCH_CONDITIONS: tuple[str, ...] = ("auto", "forced", "forced+both")

#: Suffix of a condition whose transcript went through the transcript matcher.
NORMALISED = "+normalised"


def _hints(domain: VoiceDomain, condition: str, language: str) -> RecognitionHints:
    if condition in {"auto", "forced"} or domain.vocabulary is None:
        return NO_HINTS
    return domain.vocabulary.hints(
        language,
        prompt=condition in {"forced+prompt", "forced+both"},
        hotwords=condition in {"forced+hotwords", "forced+both"},
    )


def _mean(values: Sequence[float]) -> float | None:
    return round(statistics.fmean(values), 3) if values else None


def measure(
    gold: Path,
    *,
    per_language: int = 3,
    conditions: Sequence[str] = CONDITIONS,
    profile: AudioProfile = "phone",
    settings: Settings | None = None,
    runtime: AssistantRuntime | None = None,
    normalise: bool = False,
) -> dict[str, object]:
    """Speak, transcribe under each condition, answer; a JSON-ready report.

    ``normalise`` adds, per condition, the answer to the matched transcript
    (``<condition>+normalised``, same transcription).

    ``settings`` default to the environment's; ``runtime``, when given, is used and left open
    (the bench driver shares its own: an index shard opens in one process at a time).
    """
    settings = settings or get_settings()
    owned = runtime is None
    runtime = runtime or open_runtime(settings)
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
        ensure_whisper_model(settings.whisper_model_dir)
        transcriber = Transcriber(
            settings.whisper_model_dir, threads=settings.voice.whisper_threads
        )
        transcriber.warm_up()
        matcher = (
            build_matcher(
                glossary=glossary,
                glossary_path=settings.glossary_path,
                languages=SUPPORTED_LANGUAGES,
            )
            if normalise
            else None
        )
        speaker = QuestionSpeaker(profile)
        limits = AudioLimits(max_bytes=settings.voice.max_bytes, max_seconds=60.0)
        questions: list[GoldQuestion] = select_voice_questions(load_gold(gold), per_language)
        rows: list[dict[str, object]] = []
        for question in questions:
            audio = decode_upload(speaker.speak(question), limits)
            typed = runtime.service.ask(
                AskRequest(question=question.question, language=question.language)
            )
            typed_hit = reciprocal_rank([c.id for c in typed.institutions], question.acceptable)
            for condition in conditions:
                forced = None if condition == "auto" else question.language
                started = time.perf_counter()
                logprob = 0.0
                try:
                    transcript = transcriber.transcribe(
                        audio, language=forced, hints=_hints(domain, condition, question.language)
                    )
                    text, heard = transcript.text, transcript.language
                    logprob = transcript.avg_logprob
                except Exception as exc:  # a failed clip is a row of the report, not its end
                    text, heard = "", f"error: {exc}"
                elapsed = time.perf_counter() - started
                language = forced or answer_language(None, heard)
                variants: list[tuple[str, str, list[str]]] = [(condition, text, [])]
                if matcher is not None:
                    matched = matcher.normalise(text, language)
                    fixes = [f"{c.heard} → {c.term} ({c.score})" for c in matched.corrections]
                    variants.append((condition + NORMALISED, matched.text, fixes))
                for name, said, fixes in variants:
                    hit: float | None = None
                    if said and question.is_retrieval:
                        spoken = runtime.service.ask(AskRequest(question=said, language=language))
                        hit = reciprocal_rank(
                            [c.id for c in spoken.institutions], question.acceptable
                        )
                    rows.append(
                        {
                            "id": question.id,
                            "language": question.language,
                            "condition": name,
                            "wer": round(word_error_rate(question.question, said), 4),
                            "heard": heard,
                            "hit@3": None if hit is None else float(hit > 0),
                            "typed_hit@3": float(typed_hit > 0) if question.is_retrieval else None,
                            "seconds": round(elapsed, 2),
                            "avg_logprob": round(logprob, 3),
                            "transcript": said,
                            "corrections": fixes,
                            "question": question.question,
                        }
                    )
                    sys.stderr.write(f"{question.id} {question.language} {name}: {said!r}\n")
    finally:
        if owned:
            runtime.close()
    return {"questions": len(questions), "profile": profile, "rows": rows, **summarise(rows)}


def false_corrections(gold: Path, *, matcher: TranscriptMatcher | None = None) -> dict[str, object]:
    """The matcher run on the typed questions of ``gold``: how many it changed, and which.

    A typed question is what the caller said, spelled right: every change to it is a false
    correction."""
    settings = get_settings()
    matcher = matcher or build_matcher(
        glossary=Glossary.from_file(settings.glossary_path),
        glossary_path=settings.glossary_path,
        languages=SUPPORTED_LANGUAGES,
    )
    questions = load_gold(gold)
    changed: list[dict[str, object]] = []
    for question in questions:
        matched = matcher.normalise(question.question, question.language)
        if matched.changed:
            changed.append(
                {
                    "id": question.id,
                    "language": question.language,
                    "corrections": [f"{c.heard} → {c.term}" for c in matched.corrections],
                }
            )
    unchanged = 1 - len(changed) / len(questions) if questions else 1.0
    return {
        "questions": len(questions),
        "changed": len(changed),
        "unchanged": round(unchanged, 4),
        "changes": changed,
    }


def summarise(rows: Sequence[dict[str, object]]) -> dict[str, object]:
    """WER and hit@3 per condition, overall and per language, typed hit@3 beside."""
    by: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for row in rows:
        by[(str(row["condition"]), str(row["language"]))].append(row)
        by[(str(row["condition"]), "all")].append(row)

    def figures(group: list[dict[str, object]]) -> dict[str, float | int | None]:
        hits = [float(str(r["hit@3"])) for r in group if r["hit@3"] is not None]
        typed = [
            float(str(r["typed_hit@3"]))
            for r in group
            if r["typed_hit@3"] is not None and r["hit@3"] is not None
        ]
        return {
            "clips": len(group),
            "wer": _mean([float(str(r["wer"])) for r in group]),
            "hit@3": _mean(hits),
            "typed_hit@3": _mean(typed),
            "retrieval_clips": len(hits),
            "seconds_p50": round(statistics.median(float(str(r["seconds"])) for r in group), 2),
        }

    table: dict[str, dict[str, dict[str, float | int | None]]] = defaultdict(dict)
    for (condition, language), group in sorted(by.items()):
        table[condition][language] = figures(group)
    return {"by_condition": table}


def bench_section(
    settings: Settings,
    *,
    runtime: AssistantRuntime | None = None,
    per_language: int = BENCH_PER_LANGUAGE,
    conditions: Sequence[str] = BENCH_CONDITIONS,
    gold: Path = DEV_GOLD,
) -> dict[str, object]:
    """The figures ``make bench`` keeps: WER and hit@3 of each condition over all clips, and
    per language for ``forced+both`` (what the hotline does); no transcripts. Or
    ``{"skipped": reason}`` without faster-whisper or the tools that speak the questions."""
    if importlib.util.find_spec("faster_whisper") is None:
        return {"skipped": "faster-whisper is not installed (the voice extra)"}
    missing = Synthesizer.missing_tools()
    if missing:
        return {
            "skipped": f"{', '.join(missing)} not installed (apt-get install espeak-ng sox ffmpeg)"
        }
    report = measure(
        gold,
        per_language=per_language,
        conditions=conditions,
        settings=settings,
        runtime=runtime,
    )
    table = report["by_condition"]
    assert isinstance(table, dict)
    hotline = table.get("forced+both", {})
    return {
        "per_language": per_language,
        "questions": report["questions"],
        "profile": report["profile"],
        "by_condition": {condition: table[condition]["all"] for condition in table},
        "hotline_by_language": {
            language: {"wer": row["wer"], "hit@3": row["hit@3"]}
            for language, row in hotline.items()
            if language != "all"
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    configure_process()
    parser = argparse.ArgumentParser(prog="python -m eval.bench.recognition")
    parser.add_argument("--gold", type=Path, default=DEV_GOLD)
    parser.add_argument("--per-language", type=int, default=3)
    parser.add_argument("--conditions", default=",".join(CONDITIONS))
    parser.add_argument("--profile", choices=AUDIO_PROFILES, default="phone")
    parser.add_argument(
        "--normalise", action="store_true", help="also answer the matched transcripts"
    )
    parser.add_argument(
        "--false-corrections",
        action="store_true",
        help="only run the matcher on the typed questions and count what it changed",
    )
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.false_corrections:
        checked = false_corrections(args.gold)
        sys.stdout.write(json.dumps(checked, ensure_ascii=False, indent=2) + "\n")
        return 0
    report = measure(
        args.gold,
        per_language=args.per_language,
        conditions=args.conditions.split(","),
        profile=args.profile,
        normalise=args.normalise,
    )
    if args.json is not None:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    sys.stdout.write(json.dumps(report["by_condition"], ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
