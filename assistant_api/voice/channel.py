"""The voice channel: audio in → transcript → the assistant's answer → optional speech out.

One :class:`VoiceChannel` per app. It owns the readiness state reported under
``/health`` → ``components.voice`` (``loading`` → ``ready`` or ``unavailable: <reason>``), and
loads Whisper in a background thread so the API answers text questions while the speech model
is still loading. Shared by ``POST /v1/voice``, the telephony webhook and the benchmark.

Before the transcript is answered, the transcript matcher (:mod:`~assistant_api.voice.normalise`)
corrects the place names and need words Whisper almost heard, in the caller's language only;
when it guessed, or Whisper was unsure of its words, :attr:`VoiceAnswer.read_back` holds the
sentence that asks the caller to confirm ("I understood: rent, Fleurier. Is that right?").
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant_api.models import AskRequest, AskResponse
from assistant_api.triage.language import SUPPORTED_LANGUAGES
from assistant_api.voice.audio import AudioLimits, decode_upload
from assistant_api.voice.audio_store import AudioStore
from assistant_api.voice.domain import VoiceDomain
from assistant_api.voice.errors import VoiceError, VoiceUnavailable
from assistant_api.voice.model_files import ensure_whisper_model
from assistant_api.voice.normalise import (
    MIN_WORD_CONFIDENCE,
    TranscriptMatch,
    TranscriptMatcher,
    needs_read_back,
    read_back,
)
from assistant_api.voice.recognition import NO_HINTS, RecognitionHints
from assistant_api.voice.speech_segments import Segment, join_text, ssml
from assistant_api.voice.spoken_answer import Channel, SpokenAnswer, compose_spoken
from assistant_api.voice.transcriber import Transcriber, Transcript
from assistant_api.voice.tts import AudioFormat, SpokenAudio, Synthesizer

__all__ = ["Spoken", "VoiceAnswer", "VoiceChannel", "answer_language"]

logger = logging.getLogger(__name__)

AskFunction = Callable[[AskRequest], AskResponse]


def answer_language(requested: str | None, heard: str) -> str | None:
    """The language to answer in: the caller's choice, else Whisper's when we support it.

    ``None`` lets the assistant detect the language from the transcript (Whisper heard a
    language we do not answer in, e.g. Tigrinya, which Whisper does not know).
    """
    if requested:
        return requested
    return heard if heard in SUPPORTED_LANGUAGES else None


@dataclass(frozen=True, slots=True)
class Spoken:
    """The spoken answer: what was read, the audio, and where it can be fetched."""

    text: str
    audio: SpokenAudio
    audio_id: str
    answer: SpokenAnswer | None = None


@dataclass(frozen=True, slots=True)
class VoiceAnswer:
    """A transcribed question and the assistant's answer to it."""

    transcript: Transcript
    result: AskResponse
    timings_ms: dict[str, float] = field(default_factory=dict)
    #: The transcript after the matcher (``None``: no matcher, or no language to match in).
    match: TranscriptMatch | None = None
    #: What to say back before the answer when the recognition was a guess (else ``None``).
    read_back: str | None = None

    @property
    def question(self) -> str:
        """The text that was answered: the matched transcript when there is one."""
        return self.match.text if self.match is not None else self.transcript.text


class VoiceChannel:
    """Speech recognition and synthesis around the assistant's ``ask``."""

    def __init__(
        self,
        *,
        model_dir: Path,
        transcriber: Transcriber,
        synthesizer: Synthesizer,
        limits: AudioLimits,
        store: AudioStore,
        on_status: Callable[[str], None] = lambda status: None,
        enabled: bool = True,
        matcher: Callable[[], TranscriptMatcher] | None = None,
        min_word_confidence: float = MIN_WORD_CONFIDENCE,
    ) -> None:
        """``matcher`` builds the transcript matcher; it runs in :meth:`load` (a few seconds
        of espeak-ng and YAML), so the first call does not wait for it. Below
        ``min_word_confidence`` (Whisper's, 0–1) a transcript is read back to the caller."""
        self._model_dir = model_dir
        self.transcriber = transcriber
        self.synthesizer = synthesizer
        self.limits = limits
        self.store = store
        self._on_status = on_status
        self._status = "loading" if enabled else "unavailable: disabled (PERMANENCE_VOICE_ENABLED)"
        self._enabled = enabled
        self._thread: threading.Thread | None = None
        self._loaded = threading.Event()
        self._domain: tuple[int, VoiceDomain] | None = None
        self._domain_lock = threading.Lock()
        self._prompts: dict[str, tuple[SpokenAudio, str]] = {}
        self._build_matcher = matcher
        self.matcher: TranscriptMatcher | None = None
        self.min_word_confidence = min_word_confidence
        on_status(self._status)

    def prompt_audio(self, key: str, build: Callable[[], SpokenAudio]) -> str:
        """The store id of a fixed prompt's audio (the keypad menu), synthesised once and
        put back in the store when it expired there."""
        with self._domain_lock:
            cached = self._prompts.get(key)
            if cached is not None and self.store.get(cached[1]) is not None:
                return cached[1]
            audio = cached[0] if cached is not None else build()
            audio_id = self.store.put(audio)
            self._prompts[key] = (audio, audio_id)
            return audio_id

    def domain(self, key: object, build: Callable[[], VoiceDomain]) -> VoiceDomain:
        """The corpus knowledge for the records ``key`` (built once per records object)."""
        with self._domain_lock:
            if self._domain is None or self._domain[0] != id(key):
                self._domain = (id(key), build())
            return self._domain[1]

    @property
    def status(self) -> str:
        return self._status

    def _set_status(self, status: str) -> None:
        self._status = status
        self._on_status(status)

    def load(self) -> None:
        """Join the model files if needed and load Whisper; never raises (sets the status)."""
        if not self._enabled:
            self._loaded.set()
            return
        try:
            missing = self.synthesizer.missing_tools()
            if missing:
                logger.warning("voice: speech output disabled, missing %s", ", ".join(missing))
            started = time.perf_counter()
            ensure_whisper_model(self._model_dir)
            self.transcriber.warm_up()
            self._load_matcher()
            logger.info("voice ready in %.1f s", time.perf_counter() - started)
            self._set_status("ready")
        except (VoiceError, OSError, RuntimeError, ValueError) as exc:
            logger.error("voice channel unavailable: %s", exc)
            self._set_status(f"unavailable: {exc}")
        finally:
            self._loaded.set()

    def _load_matcher(self) -> None:
        """Build the matcher; without it transcripts are answered as heard (logged)."""
        if self._build_matcher is None or self.matcher is not None:
            return
        try:
            self.matcher = self._build_matcher()
        except (OSError, RuntimeError, ValueError) as exc:
            logger.error("voice: transcript matching disabled: %s", exc)

    def start_loading(self) -> None:
        """Load in a daemon thread (idempotent), so start-up does not wait for Whisper."""
        if self._thread is None:
            self._thread = threading.Thread(target=self.load, name="voice-loader", daemon=True)
            self._thread.start()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until loading ended; whether the channel is ready."""
        self._loaded.wait(timeout)
        return self._status == "ready"

    def _require_ready(self) -> None:
        if self._status == "loading":
            raise VoiceUnavailable("speech recognition is still loading; retry in a few seconds")
        if self._status != "ready":
            raise VoiceUnavailable(f"speech recognition is {self._status}")

    def transcribe(
        self, data: bytes, *, language: str | None = None, hints: RecognitionHints = NO_HINTS
    ) -> Transcript:
        """Decode, check and transcribe one upload (raises ``AudioRejected`` with its 4xx)."""
        self._require_ready()
        audio = decode_upload(data, self.limits)
        return self.transcriber.transcribe(audio, language=language, hints=hints)

    def understood(
        self,
        transcript: Transcript,
        language: str | None,
        *,
        matcher: TranscriptMatcher | None = None,
    ) -> tuple[TranscriptMatch | None, bool]:
        """The transcript matched to the domain in ``language`` (``None`` without a matcher),
        and whether the recognition was a guess to read back (``read_back``) before answering."""
        matcher = matcher or self.matcher
        if matcher is None:
            return None, False
        match = matcher.normalise(transcript.text, language)
        guessed = needs_read_back(
            match,
            word_confidence=transcript.word_confidence,
            min_word_confidence=self.min_word_confidence,
        )
        return match, guessed

    def answer(
        self,
        data: bytes,
        *,
        ask: AskFunction,
        language: str | None = None,
        commune: str | None = None,
        max_question_chars: int = 2000,
        hints: RecognitionHints = NO_HINTS,
        matcher: TranscriptMatcher | None = None,
    ) -> VoiceAnswer:
        """Transcribe ``data``, match it to the domain and answer it with ``ask``.

        ``matcher`` replaces the channel's own (:attr:`matcher`) for this call."""
        started = time.perf_counter()
        transcript = self.transcribe(data, language=language, hints=hints)
        transcribed = time.perf_counter()
        answer_in = answer_language(language, transcript.language)
        match, guessed = self.understood(transcript, answer_in, matcher=matcher)
        text = match.text if match is not None else transcript.text
        matched = time.perf_counter()
        request = AskRequest(
            question=text[:max_question_chars],
            language=answer_in,
            commune=commune,
        )
        result = ask(request)
        done = time.perf_counter()
        return VoiceAnswer(
            transcript=transcript,
            result=result,
            timings_ms={
                "transcription": round((transcribed - started) * 1000, 1),
                "matching": round((matched - transcribed) * 1000, 1),
                "answer": round((done - matched) * 1000, 1),
            },
            match=match,
            read_back=read_back(match, answer_in) if guessed and match is not None else None,
        )

    def speak(
        self,
        result: AskResponse,
        *,
        fmt: AudioFormat = "wav",
        categories: dict[str, str] | None = None,
        does: dict[str, str] | None = None,
        channel: Channel = "web",
        sms: bool = False,
    ) -> Spoken:
        """Synthesise the answer written for the ear (body and offer) and keep it fetchable."""
        answer = compose_spoken(result, channel=channel, categories=categories, does=does, sms=sms)
        spoken = self.speak_segments(answer.body + answer.offer, result.language, fmt)
        return Spoken(text=spoken.text, audio=spoken.audio, audio_id=spoken.audio_id, answer=answer)

    def speak_segments(
        self, segments: tuple[Segment, ...], language: str, fmt: AudioFormat = "wav"
    ) -> Spoken:
        """Synthesise spoken segments (numbers slowed down) and keep them fetchable."""
        text = join_text(segments)
        audio = self.synthesizer.synthesize(ssml(segments), language, fmt=fmt, ssml=True)
        return Spoken(text=text, audio=audio, audio_id=self.store.put(audio))

    def speak_text(self, text: str, language: str, fmt: AudioFormat = "wav") -> Spoken:
        audio = self.synthesizer.synthesize(text, language, fmt=fmt)
        return Spoken(text=text, audio=audio, audio_id=self.store.put(audio))
