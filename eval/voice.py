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

Each question can be spoken under several *speaking conditions* (:data:`SPEAKING_CONDITIONS`):
espeak-ng voice variants and speeds, carried at 16 kHz (a browser) or at 8 kHz mu-law (a phone
line), with or without line noise. With more than one condition the copies are
``<id>@voice:<condition>`` and the report gives WER and spoken hit@3 per condition and language,
the typed figure of the same questions beside them.

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
from typing import Any, Protocol

import httpx
from pydantic import ValidationError

from assistant_api.voice.tts import ESPEAK_VOICES, SPEECH_WPM, Synthesizer
from eval.errors import TargetError
from eval.gold import GoldQuestion
from eval.records import Outcome
from eval.speaking import (
    AUDIO_PROFILES,
    DEFAULT_CONDITION,
    NOISE_VOLUME,
    PHONE_BAND,
    SPEAKING_CONDITIONS,
    VOICE_ID_SUFFIX,
    AudioProfile,
    SpeakingCondition,
    condition_of,
    parse_conditions,
)
from eval.targets import outcome_from_response
from eval.wer import word_error_rate
from permanence.settings import Settings

__all__ = [
    "AUDIO_PROFILES",
    "DEFAULT_CONDITION",
    "SPEAKING_CONDITIONS",
    "VOICE_CHANNEL",
    "VOICE_ID_SUFFIX",
    "VOICE_LANGUAGES",
    "AudioProfile",
    "QuestionSpeaker",
    "SpeakingCondition",
    "VoiceClient",
    "VoiceTarget",
    "condition_of",
    "in_process_voice_client",
    "parse_conditions",
    "select_voice_questions",
    "text_id",
]

logger = logging.getLogger(__name__)

VOICE_CHANNEL = "voice"
#: Languages espeak-ng reads with a voice of their own (every answer language but Tigrinya).
VOICE_LANGUAGES: tuple[str, ...] = tuple(sorted(lang for lang in ESPEAK_VOICES if lang != "ti"))

#: Seconds one spoken question may take over HTTP (transcription of ≤ 60 s audio + answer).
VOICE_TIMEOUT_S = 300.0
#: Seconds an HTTP run waits in total for a voice channel that answers 503 (still loading).
LOADING_WAIT_S = 300.0
#: Seconds the in-process app may take to load Whisper.
READY_TIMEOUT_S = 600.0
_SOX_TIMEOUT_S = 60.0


def text_id(question_id: str) -> str:
    """The gold id of a spoken copy (``dev-0001@voice``, ``dev-0001@voice:phone`` →
    ``dev-0001``)."""
    return question_id.partition(VOICE_ID_SUFFIX)[0]


def select_voice_questions(
    questions: Sequence[GoldQuestion],
    per_language: int,
    conditions: Sequence[str] = (DEFAULT_CONDITION,),
) -> list[GoldQuestion]:
    """Spoken copies of up to ``per_language`` questions in each language espeak-ng reads.

    Only public questions that do not need the intranet are spoken (``/v1/voice`` takes no
    professional token). Within a language the order is the hash of the id, so the choice does
    not depend on file order and grows stably with ``per_language``. With several
    ``conditions`` each question is spoken under each (``<id>@voice:<condition>``).
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
    suffixes = (
        [VOICE_ID_SUFFIX]
        if len(conditions) == 1
        else [f"{VOICE_ID_SUFFIX}:{name}" for name in parse_conditions(",".join(conditions))]
    )
    chosen: list[GoldQuestion] = []
    for suffix in suffixes:
        for language in sorted(pools):
            pool = sorted(pools[language], key=lambda q: hashlib.sha256(q.id.encode()).hexdigest())
            chosen += [
                q.model_copy(update={"id": q.id + suffix, "channel": VOICE_CHANNEL})
                for q in pool[:per_language]
            ]
    return chosen


class QuestionSpeaker:
    """Reads a gold question aloud in its language's espeak-ng voice, under a speaking
    condition (by default ``profile``; a spoken copy ``…@voice:<name>`` names its own)."""

    def __init__(self, profile: str = DEFAULT_CONDITION, synthesizer: Synthesizer | None = None):
        if profile not in SPEAKING_CONDITIONS:
            raise ValueError(
                f"audio profile {profile!r} is not one of {', '.join(SPEAKING_CONDITIONS)}"
            )
        self.profile = profile
        self._synthesizer = synthesizer or Synthesizer()
        missing = self._synthesizer.missing_tools()
        if missing:
            raise TargetError(
                f"the voice channel needs {', '.join(missing)}; "
                "run `apt-get install -y espeak-ng sox ffmpeg`"
            )

    def speak(self, question: GoldQuestion, condition: str | None = None) -> bytes:
        """WAV bytes of the question, under ``condition`` (the id's, else the speaker's)."""
        name = condition or condition_of(question.id) or self.profile
        spoken = SPEAKING_CONDITIONS[name]
        if spoken.product_voice and spoken.line == "phone":  # exactly what the hotline plays
            return self._synthesizer.synthesize(
                question.question, question.language, fmt="mulaw"
            ).data
        with tempfile.TemporaryDirectory(prefix="permanence-eval-voice-") as tmp:
            source, target = Path(tmp) / "in.wav", Path(tmp) / "out.wav"
            if spoken.product_voice:  # the product's own voice and speed, then the line
                source.write_bytes(
                    self._synthesizer.synthesize(question.question, question.language).data
                )
            else:
                voice = Synthesizer.voice_for(question.language)
                if spoken.variant:
                    voice += "+" + spoken.variant
                wpm = str(spoken.wpm or SPEECH_WPM)
                _run_tool(
                    ["espeak-ng", "-v", voice, "-s", wpm, "-b", "1", "-w", str(source), "--stdin"],
                    stdin=question.question.encode("utf-8"),
                )
            if spoken.noise:
                noise, mixed = Path(tmp) / "noise.wav", Path(tmp) / "mixed.wav"
                _run_tool(
                    ["sox", str(source), str(noise), "synth", "pinknoise", "vol", str(NOISE_VOLUME)]
                )
                _run_tool(["sox", "-m", str(source), str(noise), str(mixed)])
                source = mixed
            if spoken.line == "phone":
                band = ["sinc", PHONE_BAND] if spoken.noise else []
                _run_tool(
                    [
                        "sox",
                        str(source),
                        "-r",
                        "8000",
                        "-c",
                        "1",
                        "-e",
                        "mu-law",
                        str(target),
                        *band,
                    ]
                )
            else:
                _run_tool(["sox", str(source), "-r", "16000", "-c", "1", "-b", "16", str(target)])
            return target.read_bytes()


def _run_tool(args: list[str], *, stdin: bytes | None = None) -> None:
    """espeak-ng or sox, failing with the tool's own message."""
    try:
        subprocess.run(args, input=stdin, check=True, capture_output=True, timeout=_SOX_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        raise TargetError(
            f"{args[0]} failed: {exc} {detail.decode(errors='replace')[-200:]}"
        ) from exc


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
