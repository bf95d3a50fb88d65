"""The voice channel of the evaluation: gold questions read by espeak-ng, heard by ``/v1/voice``.

A bounded, deterministic subset of gold questions (N per language) is synthesised with the
product's own :class:`~assistant_api.voice.tts.Synthesizer` and sent to ``POST /v1/voice`` —
over HTTP with ``--url``, else in-process through the same FastAPI app (starlette's
``TestClient``, so the route, its upload checks and Whisper are the production code). Each
spoken question is a copy of its gold question with ``channel = "voice"`` and the id
``<id>@voice``, so every metric splits by channel and the typed answer to the same question
stays next to it. Tigrinya is left out: espeak-ng has no Tigrinya voice (the product reads it
with the Amharic one) and Whisper does not know the language, so the figure would measure the
substitute, not the channel.

espeak-ng is robotic speech: the word error rate here is a floor check of the pipeline, not a
figure for human callers.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

import httpx
from pydantic import ValidationError

from assistant_api.voice.tts import ESPEAK_VOICES, Synthesizer
from eval.errors import TargetError
from eval.gold import GoldQuestion
from eval.records import Outcome
from eval.targets import outcome_from_response
from eval.wer import word_error_rate
from permanence.settings import Settings

__all__ = [
    "AUDIO_PROFILES",
    "VOICE_CHANNEL",
    "VOICE_ID_SUFFIX",
    "VOICE_LANGUAGES",
    "AudioProfile",
    "QuestionSpeaker",
    "VoiceClient",
    "VoiceTarget",
    "in_process_voice_client",
    "select_voice_questions",
    "text_id",
]

logger = logging.getLogger(__name__)

VOICE_CHANNEL = "voice"
VOICE_ID_SUFFIX = "@voice"
#: Languages espeak-ng reads with a voice of their own (every answer language but Tigrinya).
VOICE_LANGUAGES: tuple[str, ...] = tuple(sorted(lang for lang in ESPEAK_VOICES if lang != "ti"))

#: ``16k``: 16 kHz 16-bit mono WAV, what a browser recording becomes; ``phone``: 8 kHz mu-law
#: WAV, what the telephone line delivers (the product's own ``mulaw`` output).
AudioProfile = Literal["16k", "phone"]
AUDIO_PROFILES: tuple[AudioProfile, ...] = ("16k", "phone")

#: Seconds one spoken question may take over HTTP (transcription of ≤ 60 s audio + answer).
VOICE_TIMEOUT_S = 300.0
#: Seconds an HTTP run waits in total for a voice channel that answers 503 (still loading).
LOADING_WAIT_S = 300.0
#: Seconds the in-process app may take to load Whisper.
READY_TIMEOUT_S = 600.0
_SOX_TIMEOUT_S = 60.0


def text_id(question_id: str) -> str:
    """The gold id of a spoken copy (``dev-0001@voice`` → ``dev-0001``)."""
    return question_id.removesuffix(VOICE_ID_SUFFIX)


def select_voice_questions(
    questions: Sequence[GoldQuestion], per_language: int
) -> list[GoldQuestion]:
    """Spoken copies of up to ``per_language`` questions in each language espeak-ng reads.

    Only public questions that do not need the intranet are spoken (``/v1/voice`` takes no
    professional token). Within a language the order is the hash of the id, so the choice does
    not depend on file order and grows stably with ``per_language``.
    """
    if per_language < 1:
        raise ValueError(f"--voice {per_language}: give at least 1 question per language")
    pools: dict[str, list[GoldQuestion]] = {}
    for question in questions:
        if (
            question.language in VOICE_LANGUAGES
            and question.audience == "public"
            and not question.needs_intranet
            and question.channel == "text"
        ):
            pools.setdefault(question.language, []).append(question)
    chosen: list[GoldQuestion] = []
    for language in sorted(pools):
        pool = sorted(pools[language], key=lambda q: hashlib.sha256(q.id.encode()).hexdigest())
        chosen += [
            q.model_copy(update={"id": q.id + VOICE_ID_SUFFIX, "channel": VOICE_CHANNEL})
            for q in pool[:per_language]
        ]
    return chosen


class QuestionSpeaker:
    """Reads a gold question aloud with the product's synthesiser, as ``profile`` audio."""

    def __init__(self, profile: AudioProfile = "16k", synthesizer: Synthesizer | None = None):
        if profile not in AUDIO_PROFILES:
            raise ValueError(f"audio profile {profile!r} is not one of {AUDIO_PROFILES}")
        self.profile = profile
        self._synthesizer = synthesizer or Synthesizer()
        missing = self._synthesizer.missing_tools()
        if missing:
            raise TargetError(
                f"the voice channel needs {', '.join(missing)}; "
                "run `apt-get install -y espeak-ng sox ffmpeg`"
            )

    def speak(self, question: GoldQuestion) -> bytes:
        """WAV bytes of the question in its gold language's espeak-ng voice."""
        if self.profile == "phone":
            return self._synthesizer.synthesize(
                question.question, question.language, fmt="mulaw"
            ).data
        spoken = self._synthesizer.synthesize(question.question, question.language, fmt="wav")
        with tempfile.TemporaryDirectory(prefix="permanence-eval-voice-") as tmp:
            source, target = Path(tmp) / "in.wav", Path(tmp) / "16k.wav"
            source.write_bytes(spoken.data)
            subprocess.run(
                ["sox", str(source), "-r", "16000", "-c", "1", "-b", "16", str(target)],
                check=True,
                capture_output=True,
                timeout=_SOX_TIMEOUT_S,
            )
            return target.read_bytes()


class _Response(Protocol):
    @property
    def status_code(self) -> int: ...

    @property
    def text(self) -> str: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    def json(self) -> Any: ...


class VoiceClient(Protocol):
    """What the target needs of an HTTP client: ``httpx.Client``, or starlette's
    ``TestClient`` (built on its own httpx fork, hence a protocol and not the class)."""

    @property
    def base_url(self) -> object: ...

    def post(
        self,
        url: str,
        *,
        files: Mapping[str, tuple[str, bytes, str]],
        data: Mapping[str, str] | None = None,
    ) -> _Response: ...

    def close(self) -> None: ...


def _retry_after(value: str | None) -> float:
    try:
        return min(30.0, max(0.5, float(value))) if value is not None else 2.0
    except ValueError:
        return 2.0


class VoiceTarget:
    """Spoken gold questions through ``POST /v1/voice`` of ``client`` (HTTP or in-process).

    By default no language is sent: Whisper identifies it, as for a caller of the web page.
    With ``language_hint`` the gold language goes in the form field ``language`` (what a phone
    menu that asked the caller's language would send), which separates recognition errors from
    language identification errors.
    """

    name = VOICE_CHANNEL

    def __init__(
        self,
        client: VoiceClient,
        speaker: QuestionSpeaker,
        *,
        sleep: Callable[[float], None] = time.sleep,
        loading_wait_s: float = LOADING_WAIT_S,
        language_hint: bool = False,
    ) -> None:
        self._client = client
        self._language_hint = language_hint
        self._speaker = speaker
        self._sleep = sleep
        self._loading_wait_s = loading_wait_s

    def _post(self, audio: bytes, language: str | None) -> tuple[_Response, float]:
        """The answer and its latency; waits out 503 (Whisper loading) and 429 (rate limit)."""
        deadline = time.monotonic() + self._loading_wait_s
        form = {"language": language} if language else None
        while True:
            started = time.perf_counter()
            try:
                response = self._client.post(
                    "/v1/voice", files={"file": ("question.wav", audio, "audio/wav")}, data=form
                )
            except (httpx.HTTPError, OSError) as exc:
                raise TargetError(f"cannot reach {self._client.base_url}/v1/voice: {exc}") from exc
            latency = (time.perf_counter() - started) * 1000
            if response.status_code not in (429, 503) or time.monotonic() > deadline:
                return response, latency
            wait = _retry_after(response.headers.get("Retry-After"))
            logger.info("/v1/voice answered %d; retrying in %.0f s", response.status_code, wait)
            self._sleep(wait)

    def answer(self, question: GoldQuestion) -> Outcome:
        from assistant_api.voice.routes import VoiceResponse

        audio = self._speaker.speak(question)
        response, latency = self._post(audio, question.language if self._language_hint else None)
        if response.status_code != 200:
            logger.warning("/v1/voice answered %d for %s", response.status_code, question.id)
            return Outcome(
                id=question.id,
                latency_ms=latency,
                error=f"HTTP {response.status_code}: {response.text[:200]}",
            )
        try:
            voice = VoiceResponse.model_validate(response.json())
        except (ValueError, ValidationError) as exc:
            return Outcome(id=question.id, latency_ms=latency, error=f"not a voice answer: {exc}")
        outcome = outcome_from_response(question.id, voice.result, latency)
        return outcome.model_copy(
            update={
                "transcript": voice.transcript,
                "heard_language": voice.heard_language,
                "audio_s": voice.duration_s,
                "wer": round(word_error_rate(question.question, voice.transcript), 4),
            }
        )

    def close(self) -> None:
        self._client.close()


@contextlib.contextmanager
def in_process_voice_client(settings: Settings, runtime: object) -> Iterator[VoiceClient]:
    """The API app of this checkout around ``runtime``, voice on, reached without a socket.

    The rate limit is lifted (the evaluation is one trusted client) and Whisper is loaded
    before the first question, so no answer pays the model load.
    """
    from starlette.testclient import TestClient

    from assistant_api import create_app, services_of

    voice_settings = settings.updated(
        {"voice": {"enabled": True}, "limits": {"requests_per_minute": 100_000_000}}
    )
    app = create_app(voice_settings, runtime=runtime)  # type: ignore[arg-type]
    with TestClient(app, raise_server_exceptions=False) as client:
        channel = services_of(app).voice
        if not channel.wait_ready(timeout=READY_TIMEOUT_S):
            raise TargetError(f"the voice channel is not available: {channel.status}")
        yield client
