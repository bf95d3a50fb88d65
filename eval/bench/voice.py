"""Voice benchmark: transcription speed and accuracy, and end-to-end latency over real HTTP.

Measures, on espeak-ng questions in English, German and French (and one longer paragraph):

* ``rtf``: Whisper's real-time factor (seconds of compute per second of audio; < 1 is faster
  than real time), VAD included;
* ``upload_to_answer_ms``: from the last byte of the upload leaving the client to the JSON
  answer of ``POST /v1/voice`` (decode + transcribe + answer);
* ``upload_to_first_audio_byte_ms``: from the end of the upload of ``POST /v1/voice?speak=1`` to
  the first byte of the spoken answer fetched from its ``audio_url``;
* ``phone``: the hotline's time to first audio — the same clips at 8 kHz mu-law posted as a
  call's recording (``POST /v1/telephony/recording``, the language chosen in the menu), from
  the end of that upload (the platform posts the recording when the caller stops speaking) to
  the first byte of the first ``<Play>`` of the TwiML (the read-back or the answer), with the
  transcription's share; and how long the answer part it plays lasts;
* ``wer``: word error rate of the transcript against the sentence that was spoken
  (``eval.wer``, the definition the evaluation's voice channel uses too).

espeak-ng's voices are robotic, so WER here is a floor check, not a human-speech figure.
``run_voice_benchmark`` returns a JSON-ready dict; ``python -m eval.bench.voice``
prints it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import httpx
from fastapi import FastAPI

from assistant_api import AssistantRuntime, services_of
from assistant_api.voice.channel import VoiceChannel
from assistant_api.voice.signature import twilio_signature
from eval.wer import word_error_rate
from permanence.settings import Settings

if TYPE_CHECKING:
    from assistant_api.services import Services

#: The issue's target for the hotline's time to first audio (#21), on this 2-core machine.
PHONE_FIRST_AUDIO_TARGET_MS = 1500.0
#: Calls per clip for the hotline's time to first audio: 6 clips × 3 gives a p95 over 18.
PHONE_REPEATS = 3

__all__ = [
    "BENCH_CLIPS",
    "PHONE_FIRST_AUDIO_TARGET_MS",
    "BenchClip",
    "run_voice_benchmark",
    "word_error_rate",
]


@dataclass(frozen=True, slots=True)
class BenchClip:
    name: str
    voice: str
    text: str
    speed_wpm: int = 160


#: The benchmark's spoken questions (the same kinds as tests/voice; French at a slower rate,
#: which whisper-base needs with espeak's French voice).
BENCH_CLIPS: tuple[BenchClip, ...] = (
    BenchClip("en_job", "en", "I lost my job. Where do I register as unemployed?"),
    BenchClip(
        "en_alzheimer", "en", "My father has Alzheimer's disease and I need help caring for him."
    ),
    BenchClip(
        "de_health", "de", "Ich kann meine Krankenkasse nicht mehr bezahlen. Wer hilft mir?", 140
    ),
    BenchClip(
        "fr_job",
        "fr-ch",
        "Bonjour. Je suis au chômage depuis le mois dernier. Je cherche du travail dans le "
        "canton de Neuchâtel.",
        130,
    ),
    BenchClip("fr_debt", "fr-ch", "J'ai des dettes et je ne peux plus payer mon loyer.", 130),
    BenchClip(
        "en_paragraph",
        "en",
        "Good morning. I moved to Neuchatel last year with my two children. My husband left "
        "and I have no income since the summer. I cannot pay the rent or the health insurance "
        "anymore, and I do not know which office can help me with money and with a lawyer.",
    ),
)


def _synthesise(clip: BenchClip, directory: Path) -> Path:
    path = directory / f"{clip.name}.wav"
    subprocess.run(
        ["espeak-ng", "-v", clip.voice, "-s", str(clip.speed_wpm), "-w", str(path), clip.text],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return path


def _telephone(path: Path) -> bytes:
    """The clip as a phone line delivers it: 8 kHz mono mu-law WAV."""
    out = path.with_name(path.stem + "-8k.wav")
    subprocess.run(
        ["sox", str(path), "-r", "8000", "-c", "1", "-e", "mu-law", str(out)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return out.read_bytes()


@contextmanager
def _serve(settings: Settings, runtime: AssistantRuntime | None) -> Iterator[tuple[str, FastAPI]]:
    """The API with voice on, on the benchmarks' shared uvicorn runner (``eval.bench.server``)."""
    from assistant_api import create_app
    from permanence.testing.servers import run_uvicorn

    app = create_app(settings, runtime=runtime)
    # Without a runtime, the lifespan opens one (models load): allow for a busy machine.
    with run_uvicorn(app, startup_timeout_s=300) as url:
        yield url, app


def _timed_upload(client: httpx.Client, url: str, audio: bytes) -> tuple[httpx.Response, float]:
    """POST ``audio`` as multipart ``file``; returns the response and seconds from end of upload."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="q.wav"\r\n'
        "Content-Type: audio/wav\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    body = head + audio + tail
    uploaded: list[float] = []

    def stream() -> Iterator[bytes]:
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]
        uploaded.append(time.perf_counter())

    response = client.post(
        url,
        content=stream(),
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(body)),
        },
    )
    return response, time.perf_counter() - uploaded[0]


def _summary(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "mean": round(statistics.fmean(ordered), 3),
        "p50": round(statistics.median(ordered), 3),
        "max": round(ordered[-1], 3),
    }


def _p95(values: Sequence[float]) -> float:
    """The nearest-rank 95th percentile (the largest value for fewer than 20)."""
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1)


@dataclass(frozen=True, slots=True)
class _PhoneTiming:
    first_audio_ms: float
    first_part: str
    answer_audio_s: float | None


def _first_play(twiml: bytes) -> tuple[str, str]:
    """The URL of the first ``<Play>`` inside a ``<Gather>`` of a TwiML document, and the
    state the ``<Gather>`` posts to (``confirm`` when it is a read-back)."""
    root = ET.fromstring(twiml)
    for gather in root.iter("Gather"):
        play = gather.find("Play")
        if play is not None and play.text:
            query = parse_qs(urlsplit(gather.get("action") or "").query)
            return play.text, query.get("s", [""])[0]
    raise RuntimeError(f"the recording webhook played no audio: {twiml[:300]!r}")


def _phone_call(
    client: httpx.Client,
    base_url: str,
    services: Services,
    audio: bytes,
    *,
    language: str,
    call_sid: str,
) -> _PhoneTiming:
    """One recording posted as the platform does; time to the first byte of what it plays."""
    url = f"{base_url}/v1/telephony/recording?s=ask&lang={language}"
    form = {"CallSid": call_sid}
    token = services.settings.telephony.twilio_auth_token
    headers = (
        {"X-Twilio-Signature": twilio_signature(url, form.items(), token.get_secret_value())}
        if token
        else {}
    )
    started = time.perf_counter()  # a few kB of multipart: on loopback, uploaded at once
    response = client.post(
        url, data=form, files={"file": ("r.wav", audio, "audio/wav")}, headers=headers
    )
    response.raise_for_status()
    play_url, state = _first_play(response.content)
    with client.stream("GET", play_url) as played:
        played.raise_for_status()
        next(played.iter_raw(1024))
        first_audio = time.perf_counter() - started
    call = services.calls.get(call_sid)
    spoken = services.voice.store.get(call.audio_id) if call and call.audio_id else None
    return _PhoneTiming(
        first_audio_ms=1000 * first_audio,
        first_part=state,
        answer_audio_s=round(spoken.duration_s, 2) if spoken is not None else None,
    )


def _phone_section(
    client: httpx.Client,
    base_url: str,
    services: Services,
    clips: Sequence[BenchClip],
    paths: dict[str, Path],
    repeats: int,
) -> dict[str, object]:
    """Time to first audio on the hotline: per clip the median of ``repeats`` calls, over all
    every call (the voice section's own requests warmed the caches before)."""
    rows: list[dict[str, object]] = []
    firsts: list[float] = []
    transcriptions: list[float] = []
    lengths: list[float] = []
    for clip in clips:
        audio = _telephone(paths[clip.name])
        language = clip.voice[:2]
        transcript = services.voice.transcribe(audio, language=language)
        timings = [
            _phone_call(
                client,
                base_url,
                services,
                audio,
                language=language,
                call_sid=f"CAbench{uuid.uuid4().hex}",
            )
            for _ in range(repeats)
        ]
        first = statistics.median(t.first_audio_ms for t in timings)
        firsts.extend(t.first_audio_ms for t in timings)
        transcriptions.append(1000 * transcript.duration_s * transcript.real_time_factor)
        if timings[-1].answer_audio_s is not None:
            lengths.append(timings[-1].answer_audio_s)
        rows.append(
            {
                "clip": clip.name,
                "audio_s": round(transcript.duration_s, 2),
                "first_audio_ms": round(first, 1),
                "transcription_ms": round(transcriptions[-1], 1),
                "first_part": timings[-1].first_part,
                "answer_audio_s": timings[-1].answer_audio_s,
            }
        )
    return {
        "first_audio_ms": {**_summary(firsts), "p95": _p95(firsts)},
        "transcription_ms": {**_summary(transcriptions), "p95": _p95(transcriptions)},
        "answer_audio_s": {**_summary(lengths), "p95": _p95(lengths)} if lengths else None,
        "read_back": sum(1 for row in rows if row["first_part"] == "confirm"),
        "target_p50_ms": PHONE_FIRST_AUDIO_TARGET_MS,
        "clips": rows,
    }


def run_voice_benchmark(
    settings: Settings,
    *,
    runtime: AssistantRuntime | None = None,
    clips: Sequence[BenchClip] = BENCH_CLIPS,
    repeats: int = 1,
    phone_repeats: int = PHONE_REPEATS,
) -> dict[str, object]:
    """Run the voice benchmark against a live API built from ``settings`` (index must exist).

    Args:
        settings: the API's settings (data dir with an index; Whisper is joined there if needed).
        runtime: an already open ``AssistantRuntime`` to reuse, or ``None`` to open one.
        clips: the spoken questions.
        repeats: HTTP measurements per clip (the first one also warms caches).
        phone_repeats: calls per clip on the telephone webhook (time to first audio).
    """
    if repeats < 1 or phone_repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats} and {phone_repeats}")
    from assistant_api.voice.routes import VoiceResponse

    rows: list[dict[str, object]] = []
    rtfs: list[float] = []
    answers_ms: list[float] = []
    first_bytes_ms: list[float] = []
    wer_by_language: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="permanence-voice-bench-") as tmp:
        paths = {clip.name: _synthesise(clip, Path(tmp)) for clip in clips}
        load_started = time.perf_counter()
        if settings.telephony.twilio_auth_token is None:  # the bench's own line, on loopback
            settings = settings.updated({"telephony": {"allow_unsigned": True}})
        with _serve(settings, runtime) as (base_url, app), httpx.Client(timeout=300) as client:
            channel: VoiceChannel = services_of(app).voice
            if not channel.wait_ready(timeout=600):
                raise RuntimeError(f"voice channel not ready: {channel.status}")
            load_s = time.perf_counter() - load_started
            for clip in clips:
                audio = paths[clip.name].read_bytes()
                transcript = channel.transcribe(audio)
                answer_s: list[float] = []
                first_byte_s: list[float] = []
                for _ in range(repeats):
                    response, seconds = _timed_upload(client, f"{base_url}/v1/voice", audio)
                    response.raise_for_status()
                    answer_s.append(seconds)
                    voice = VoiceResponse.model_validate(response.json())
                    spoken, seconds = _timed_upload(client, f"{base_url}/v1/voice?speak=1", audio)
                    spoken.raise_for_status()
                    started = time.perf_counter() - seconds
                    speech = VoiceResponse.model_validate(spoken.json()).speech
                    if speech is None:
                        raise RuntimeError("POST /v1/voice?speak=1 returned no speech")
                    with client.stream("GET", speech.audio_url) as audio_response:
                        next(audio_response.iter_raw(1024))
                        first_byte_s.append(time.perf_counter() - started)
                wer = word_error_rate(clip.text, transcript.text)
                rtfs.append(transcript.real_time_factor)
                answers_ms.append(1000 * statistics.median(answer_s))
                first_bytes_ms.append(1000 * statistics.median(first_byte_s))
                wer_by_language.setdefault(clip.voice[:2], []).append(wer)
                rows.append(
                    {
                        "clip": clip.name,
                        "audio_s": round(transcript.duration_s, 2),
                        "heard_language": transcript.language,
                        "transcript": transcript.text,
                        "wer": round(wer, 3),
                        "rtf": round(transcript.real_time_factor, 3),
                        "upload_to_answer_ms": round(answers_ms[-1], 1),
                        "upload_to_first_audio_byte_ms": round(first_bytes_ms[-1], 1),
                        "kind": voice.result.kind,
                        "institutions": [card.id for card in voice.result.institutions],
                    }
                )
            phone = _phone_section(client, base_url, services_of(app), clips, paths, phone_repeats)
    return {
        "machine": {"cpus": os.cpu_count(), "whisper_threads": settings.voice.whisper_threads},
        "ready_after_start_s": round(load_s, 2),
        "rtf": _summary(rtfs),
        "upload_to_answer_ms": _summary(answers_ms),
        "upload_to_first_audio_byte_ms": _summary(first_bytes_ms),
        "wer_by_language": {k: round(statistics.fmean(v), 3) for k, v in wer_by_language.items()},
        "clips": rows,
        "phone": phone,
    }


def main() -> None:
    """``python -m eval.bench.voice``: benchmark on the configured data dir, print JSON."""
    from permanence.runtime import configure_process
    from permanence.settings import get_settings

    configure_process()
    print(json.dumps(run_voice_benchmark(get_settings()), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
