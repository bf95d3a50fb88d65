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

Reported per condition and per language: WER against the question, spoken hit@3 against its
acceptable institutions (retrieval questions only) and the typed hit@3 of the same questions
beside it. espeak-ng is robotic speech: a WER here measures the pipeline on that voice, not on
human callers.

``python -m eval.bench.recognition [--per-language N] [--json out.json]``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from assistant_api.models import AskRequest
from assistant_api.runtime import open_runtime
from assistant_api.voice.audio import AudioLimits, decode_upload
from assistant_api.voice.channel import answer_language
from assistant_api.voice.domain import VoiceDomain
from assistant_api.voice.model_files import ensure_whisper_model
from assistant_api.voice.recognition import NO_HINTS, RecognitionHints
from assistant_api.voice.transcriber import Transcriber
from eval.gold import GoldQuestion, load_gold
from eval.metrics import reciprocal_rank
from eval.voice import AUDIO_PROFILES, AudioProfile, QuestionSpeaker, select_voice_questions
from eval.wer import word_error_rate
from index import Glossary
from permanence.runtime import configure_process
from permanence.settings import PROJECT_ROOT, get_settings

__all__ = ["CONDITIONS", "main", "measure"]

CONDITIONS: tuple[str, ...] = (
    "auto",
    "forced",
    "forced+prompt",
    "forced+hotwords",
    "forced+both",
)


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
) -> dict[str, object]:
    """Speak, transcribe under each condition, answer; a JSON-ready report."""
    settings = get_settings()
    runtime = open_runtime(settings)
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
                try:
                    transcript = transcriber.transcribe(
                        audio, language=forced, hints=_hints(domain, condition, question.language)
                    )
                    text, heard = transcript.text, transcript.language
                except Exception as exc:  # a failed clip is a row of the report, not its end
                    text, heard = "", f"error: {exc}"
                elapsed = time.perf_counter() - started
                hit: float | None = None
                if text and question.is_retrieval:
                    spoken = runtime.service.ask(
                        AskRequest(
                            question=text,
                            language=forced or answer_language(None, heard),
                        )
                    )
                    hit = reciprocal_rank([c.id for c in spoken.institutions], question.acceptable)
                rows.append(
                    {
                        "id": question.id,
                        "language": question.language,
                        "condition": condition,
                        "wer": round(word_error_rate(question.question, text), 4),
                        "heard": heard,
                        "hit@3": None if hit is None else float(hit > 0),
                        "typed_hit@3": float(typed_hit > 0) if question.is_retrieval else None,
                        "seconds": round(elapsed, 2),
                        "transcript": text,
                        "question": question.question,
                    }
                )
                logger_line = f"{question.id} {question.language} {condition}: {text!r}"
                sys.stderr.write(logger_line + "\n")
    finally:
        runtime.close()
    return {"questions": len(questions), "profile": profile, "rows": rows, **summarise(rows)}


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


def main(argv: Sequence[str] | None = None) -> int:
    configure_process()
    parser = argparse.ArgumentParser(prog="python -m eval.bench.recognition")
    parser.add_argument("--gold", type=Path, default=PROJECT_ROOT / "corpora/gold/dev.jsonl")
    parser.add_argument("--per-language", type=int, default=3)
    parser.add_argument("--conditions", default=",".join(CONDITIONS))
    parser.add_argument("--profile", choices=AUDIO_PROFILES, default="phone")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    report = measure(
        args.gold,
        per_language=args.per_language,
        conditions=args.conditions.split(","),
        profile=args.profile,
    )
    if args.json is not None:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    sys.stdout.write(json.dumps(report["by_condition"], ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
