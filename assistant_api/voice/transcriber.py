"""Speech to text with Whisper base (faster-whisper, CTranslate2 int8 on CPU).

The model loads once per process (:func:`load_whisper` keeps it by directory and thread count),
because every API instance and test app in one process would otherwise hold its own 145 MB copy
and pay the load again. Decoding starts at ``temperature=0`` without fallback for short clips: the
default fallback ladder re-decodes up to five times and was 3× slower on espeak clips for no gain
(../shared/docs/offline-models.md). Silero VAD (bundled with faster-whisper) runs first, both to
cut leading and trailing silence and to refuse clips with no speech at all (noise only).
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant_api.voice.audio import SAMPLE_RATE, DecodedAudio
from assistant_api.voice.errors import AudioRejected, VoiceUnavailable
from assistant_api.voice.recognition import MAX_PROMPT_TOKENS, NO_HINTS, RecognitionHints

if TYPE_CHECKING:
    from collections.abc import Iterable

    from faster_whisper import WhisperModel
    from faster_whisper.transcribe import Segment, TranscriptionInfo

__all__ = [
    "BEAM_SIZE",
    "MIN_SPEECH_S",
    "TEMPERATURES",
    "WHISPER_LANGUAGES",
    "Transcriber",
    "Transcript",
    "collapse_loops",
    "load_whisper",
]

logger = logging.getLogger(__name__)

#: Our answer languages that Whisper knows (it has no Tigrinya).
WHISPER_LANGUAGES: frozenset[str] = frozenset(
    {"fr", "de", "it", "en", "pt", "es", "ar", "uk", "ru", "fa", "sq", "tr"}
)
#: Beam search width; 1 (greedy) cost 40 % less time than 5 on the espeak benchmark clips with
#: the same transcripts of the test sentences (eval/bench/voice.py).
BEAM_SIZE = 1
#: Greedy at temperature 0 only: the fallback ladder (0.2, 0.4, …) re-decoded 3× slower on espeak
#: clips, and on a clip where whisper-base loops ("Ma Ma Ma …") resampling at 0.4 looped too.
TEMPERATURES: tuple[float, ...] = (0.0,)
#: Tokens per 30 s window: about twice a fast speaker's words; bounds the cost of a loop.
MAX_NEW_TOKENS = 224
#: A phrase of up to four words repeated more than three times in a row is a decoding loop.
_LOOP = re.compile(r"\b(\w+(?:\W+\w+){0,3}?)(?:[\s,.]+\1\b){3,}", re.IGNORECASE)
#: Seconds of speech VAD must find, or the clip is noise only.
MIN_SPEECH_S = 0.25
#: VAD settings: short pauses between words must not split a question.
_VAD_MIN_SILENCE_MS = 500

_models: dict[tuple[str, int], WhisperModel] = {}


def fit_hints(model: WhisperModel, hints: RecognitionHints) -> tuple[str | None, str | None]:
    """The hints cut to :data:`MAX_PROMPT_TOKENS` together: the prompt first, then as many
    hotwords (in their order) as still fit."""
    if hints.initial_prompt is None and hints.hotwords is None:
        return None, None
    tokenizer = model.hf_tokenizer
    prompt = hints.initial_prompt
    used = 0
    if prompt:
        ids = tokenizer.encode(" " + prompt.strip(), add_special_tokens=False).ids
        if len(ids) > MAX_PROMPT_TOKENS:
            prompt = tokenizer.decode(ids[:MAX_PROMPT_TOKENS])
            ids = ids[:MAX_PROMPT_TOKENS]
        used = len(ids)
    kept: list[str] = []
    for word in (hints.hotwords or "").split():
        size = len(tokenizer.encode(" " + word, add_special_tokens=False).ids)
        if used + size > MAX_PROMPT_TOKENS:
            break
        kept.append(word)
        used += size
    return prompt or None, " ".join(kept) or None


_models_lock = threading.Lock()


def load_whisper(model_dir: Path, *, threads: int) -> WhisperModel:
    """The process's Whisper model for ``model_dir``, loaded on first use."""
    key = (str(model_dir), threads)
    with _models_lock:
        model = _models.get(key)
        if model is None:
            from faster_whisper import WhisperModel

            started = time.perf_counter()
            model = WhisperModel(
                str(model_dir),
                device="cpu",
                compute_type="int8",
                cpu_threads=threads,
                local_files_only=True,
            )
            logger.info(
                "loaded Whisper from %s in %.1f s", model_dir, time.perf_counter() - started
            )
            _models[key] = model
        return model


#: Unsupported languages kept as heard: Whisper has no Tigrinya and hears it as Amharic, whose
#: Ge'ez-script transcript the text detector then answers in Tigrinya.
KEEP_HEARD: frozenset[str] = frozenset({"am"})
#: Below this probability a supported language is no better a guess than the unsupported one.
MIN_SUPPORTED_PROBABILITY = 0.02


def _best_supported(probabilities: list[tuple[str, float]]) -> tuple[str, float] | None:
    """The likeliest of our languages in Whisper's detection, when likely enough."""
    ours = [(code, p) for code, p in probabilities if code in WHISPER_LANGUAGES]
    if not ours:
        return None
    code, p = max(ours, key=lambda item: item[1])
    return (code, float(p)) if p >= MIN_SUPPORTED_PROBABILITY else None


def collapse_loops(text: str) -> str:
    """Keep one copy of a phrase that a decoding loop repeated ("Ma Ma Ma Ma" → "Ma")."""
    return _LOOP.sub(r"\1", text)


@dataclass(frozen=True, slots=True)
class Transcript:
    """What was said, in which language (Whisper's code), and how long it took."""

    text: str
    language: str
    language_probability: float
    duration_s: float
    speech_s: float
    elapsed_s: float
    #: Whisper's mean log-probability per token over the segments (0 is certain; below about
    #: -1 the words are guesses), and the highest probability that a segment held no speech:
    #: the channel asks the caller to confirm a guess (read-back) when they are poor.
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0

    @property
    def word_confidence(self) -> float:
        """exp(avg_logprob): the geometric mean of the tokens' probabilities, 0–1."""
        return math.exp(min(self.avg_logprob, 0.0))

    @property
    def real_time_factor(self) -> float:
        return self.elapsed_s / self.duration_s if self.duration_s else 0.0


class Transcriber:
    """Whisper bound to its settings; cheap to build, :meth:`warm_up` loads the model."""

    def __init__(self, model_dir: Path, *, threads: int = 2, beam_size: int = BEAM_SIZE) -> None:
        if threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads}")
        if beam_size < 1:
            raise ValueError(f"beam_size must be at least 1, got {beam_size}")
        self._model_dir = model_dir
        self._threads = threads
        self._beam_size = beam_size
        self._model: WhisperModel | None = None

    @property
    def ready(self) -> bool:
        return self._model is not None

    def warm_up(self) -> None:
        """Load the model (shared by the process)."""
        self._model = load_whisper(self._model_dir, threads=self._threads)

    def speech_seconds(self, audio: DecodedAudio) -> float:
        """Seconds of speech that Silero VAD finds in ``audio``."""
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        spans = get_speech_timestamps(
            audio.samples, VadOptions(min_silence_duration_ms=_VAD_MIN_SILENCE_MS)
        )
        return float(sum(s["end"] - s["start"] for s in spans)) / SAMPLE_RATE

    def _run(
        self,
        model: WhisperModel,
        audio: DecodedAudio,
        language: str | None,
        hints: RecognitionHints = NO_HINTS,
    ) -> tuple[Iterable[Segment], TranscriptionInfo]:
        prompt, hotwords = fit_hints(model, hints)
        segments, info = model.transcribe(
            audio.samples,
            language=language,
            initial_prompt=prompt,
            hotwords=hotwords,
            task="transcribe",
            beam_size=self._beam_size,
            temperature=TEMPERATURES,
            max_new_tokens=MAX_NEW_TOKENS,
            condition_on_previous_text=False,
            vad_filter=True,
            vad_parameters={"min_silence_duration_ms": _VAD_MIN_SILENCE_MS},
        )
        return segments, info

    def transcribe(
        self,
        audio: DecodedAudio,
        *,
        language: str | None = None,
        hints: RecognitionHints = NO_HINTS,
    ) -> Transcript:
        """Transcribe one clip; ``language`` (ours) forces Whisper when it knows it.

        ``hints`` (an initial prompt and hotwords of the domain) are used only when the
        language is forced: in another language they would pull the transcript towards theirs.

        Raises:
            VoiceUnavailable: before :meth:`warm_up` finished.
            AudioRejected: 422 when the clip holds no speech (noise only) or nothing was
                recognised.
        """
        model = self._model
        if model is None:
            raise VoiceUnavailable("speech recognition is still loading; retry in a few seconds")
        started = time.perf_counter()
        speech_s = self.speech_seconds(audio)
        if speech_s < MIN_SPEECH_S:
            raise AudioRejected(
                "no speech was found in the recording (only noise or silence); "
                "speak clearly, close to the microphone, in a quiet place",
                status_code=422,
                reason="no_speech",
            )
        forced = language if language in WHISPER_LANGUAGES else None
        segments, info = self._run(model, audio, forced, hints if forced else NO_HINTS)
        heard, probability = info.language, float(info.language_probability)
        if forced is None and heard not in WHISPER_LANGUAGES and heard not in KEEP_HEARD:
            # Segments decode lazily, so nothing was decoded in the unsupported language yet.
            best = _best_supported(info.all_language_probs or [])
            if best is not None:
                logger.info(
                    "Whisper heard %r (p=%.2f); decoding as %r", heard, probability, best[0]
                )
                heard, probability = best
                segments, info = self._run(model, audio, heard)
        decoded = list(segments)
        text = collapse_loops(" ".join(s.text.strip() for s in decoded).strip())
        elapsed = time.perf_counter() - started
        if not text:
            raise AudioRejected(
                "nothing intelligible was recognised in the recording; "
                "speak clearly and a little slower",
                status_code=422,
                reason="no_speech",
            )
        logger.info(
            "transcribed %.1f s of audio (%s, p=%.2f) in %.2f s",
            audio.duration_s,
            heard,
            probability,
            elapsed,
        )
        return Transcript(
            text=text,
            language=heard,
            language_probability=probability,
            duration_s=audio.duration_s,
            speech_s=speech_s,
            elapsed_s=elapsed,
            avg_logprob=_mean_logprob(decoded),
            no_speech_prob=max((float(s.no_speech_prob) for s in decoded), default=0.0),
        )


def _mean_logprob(segments: list[Segment]) -> float:
    """Segments' ``avg_logprob`` weighted by their number of tokens (0.0 for none)."""
    weights = [max(len(s.tokens), 1) for s in segments]
    total = sum(weights)
    if not total:
        return 0.0
    return sum(float(s.avg_logprob) * w for s, w in zip(segments, weights, strict=True)) / total
