"""Voice fixtures: espeak-ng audio made once per session, one live API with Whisper loaded once,
and a fake telephony platform on 127.0.0.1 (serves recordings, receives SMS)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import Response

if TYPE_CHECKING:
    from assistant_api.services import Services

#: The test-only telephony credentials (never real).
TWILIO_TOKEN = "test-twilio-token-0123456789"
TWILIO_SID = "ACtest0000000000000000000000000000"
HANDOFF_NUMBER = "+41 00 000 00 01"
SMS_FROM = "+41 00 000 00 02"

#: Sentences that whisper-base transcribes well enough from espeak-ng to route correctly.
SENTENCES: dict[str, tuple[str, str, list[str]]] = {
    # name: (espeak voice, text, extra espeak args)
    "en_job": ("en", "I lost my job. Where do I register as unemployed?", []),
    "de_health": (
        "de",
        "Ich kann meine Krankenkasse nicht mehr bezahlen. Wer hilft mir?",
        ["-s", "140"],
    ),
    "fr_job": (
        "fr-ch",
        "Bonjour. Je suis au chômage depuis le mois dernier. "
        "Je cherche du travail dans le canton de Neuchâtel.",
        ["-s", "130"],
    ),
    "en_person": ("en", "I want to talk to a real person please.", []),
    "en_suicide": ("en", "I want to kill myself tonight.", []),
    "en_violence": ("en", "My husband hits me when he is drunk. Who can help me?", ["-s", "140"]),
    "en_language": ("en", "English please.", []),
    "en_hours": ("en", "What are their opening hours?", ["-s", "140"]),
}

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("ffmpeg") is None,
    reason="needs espeak-ng and ffmpeg (apt-get install -y espeak-ng sox ffmpeg)",
)


def _run(args: list[str]) -> None:
    subprocess.run(args, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def voice_clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Spoken test questions as files: ``<name>.wav`` plus converted variants."""
    directory = tmp_path_factory.mktemp("voice-clips")
    clips: dict[str, Path] = {}
    for name, (voice, text, extra) in SENTENCES.items():
        wav = directory / f"{name}.wav"
        _run(["espeak-ng", "-v", voice, *extra, "-w", str(wav), text])
        clips[name] = wav
    ffmpeg = ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i"]
    conversions = {
        "en_job.mp3": ["-codec:a", "libmp3lame", "-b:a", "48k"],
        "en_job.webm": ["-codec:a", "libopus", "-b:a", "24k"],
        "en_job.m4a": ["-codec:a", "aac", "-b:a", "48k"],
        "de_health.ogg": ["-codec:a", "libopus", "-b:a", "24k"],
        "fr_job.m4a": ["-codec:a", "aac", "-b:a", "48k"],
    }
    for target, codec in conversions.items():
        source = clips[target.split(".")[0]]
        out = directory / target
        _run([*ffmpeg, str(source), *codec, str(out)])
        clips[target] = out
    # Telephone audio: 8 kHz mu-law WAV, as a phone platform records it.
    phone = directory / "en_job.8k.wav"
    _run(
        [
            *ffmpeg,
            str(clips["en_job"]),
            "-ar",
            "8000",
            "-ac",
            "1",
            "-acodec",
            "pcm_mulaw",
            str(phone),
        ]
    )
    clips["en_job.8k"] = phone
    suicide = directory / "en_suicide.8k.wav"
    _run(
        [
            *ffmpeg,
            str(clips["en_suicide"]),
            "-ar",
            "8000",
            "-ac",
            "1",
            "-acodec",
            "pcm_mulaw",
            str(suicide),
        ]
    )
    clips["en_suicide.8k"] = suicide
    silence = directory / "silence.wav"
    _run(
        [
            "ffmpeg",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "anullsrc=r=16000:cl=mono",
            "-t",
            "3",
            str(silence),
        ]
    )
    clips["silence"] = silence
    noise = directory / "noise.wav"
    _run(
        [
            "ffmpeg",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "anoisesrc=color=brown:amplitude=0.3:seed=7:r=16000",
            "-t",
            "3",
            str(noise),
        ]
    )
    clips["noise"] = noise
    tone = directory / "long.ogg"
    _run(
        [
            "ffmpeg",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=16000",
            "-t",
            "65",
            "-codec:a",
            "libopus",
            str(tone),
        ]
    )
    clips["long"] = tone
    low_rate = directory / "low_rate.wav"
    _run(
        [
            "ffmpeg",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=300:sample_rate=4000",
            "-t",
            "2",
            str(low_rate),
        ]
    )
    clips["low_rate"] = low_rate
    return clips


@dataclass
class FakePlatform:
    """What the fake telephony platform received and serves."""

    base_url: str = ""
    recordings: dict[str, bytes] = field(default_factory=dict)
    sms: list[dict[str, str]] = field(default_factory=list)
    sms_auth: list[str] = field(default_factory=list)


def _platform_app(platform: FakePlatform) -> FastAPI:
    app = FastAPI()

    @app.get("/recordings/{name}")
    async def recording(name: str) -> Response:
        if name not in platform.recordings:
            return Response(status_code=404)
        return Response(platform.recordings[name], media_type="audio/x-wav")

    @app.get("/redirect/{name}")
    async def redirect(name: str) -> Response:
        return Response(status_code=302, headers={"location": f"/recordings/{name}"})

    @app.post("/2010-04-01/Accounts/{sid}/Messages.json")
    async def messages(sid: str, request: Request) -> Response:
        form = await request.form()
        platform.sms.append({k: str(v) for k, v in form.items()})
        platform.sms_auth.append(request.headers.get("authorization", ""))
        return Response('{"sid": "SMtest"}', status_code=201, media_type="application/json")

    return app


@pytest.fixture(scope="session")
def fake_platform() -> Iterator[FakePlatform]:
    from permanence.testing.servers import run_uvicorn

    platform = FakePlatform()
    with run_uvicorn(_platform_app(platform)) as base_url:
        platform.base_url = base_url
        yield platform


@pytest.fixture(scope="session")
def voice_settings(tiny_settings: object, fake_platform: FakePlatform) -> object:
    from permanence.settings import Settings

    assert isinstance(tiny_settings, Settings)
    return tiny_settings.updated(
        {
            "voice": {"enabled": True, "max_bytes": 2_000_000},
            "telephony": {
                "twilio_auth_token": TWILIO_TOKEN,
                "twilio_account_sid": TWILIO_SID,
                "media_hosts": ["127.0.0.1"],
                "handoff_number": HANDOFF_NUMBER,
                "sms_from_number": SMS_FROM,
                "sms_api_base": fake_platform.base_url,
            },
        }
    )


@pytest.fixture(scope="session")
def voice_api(voice_settings: object, tiny_runtime: object) -> Iterator[tuple[str, Services]]:
    """The real API with the voice channel, Whisper loaded (once per process), and its
    services (what a test checks that HTTP does not show, such as the call book)."""
    from assistant_api.app import create_app, services_of
    from permanence.testing.servers import run_uvicorn

    app = create_app(voice_settings, runtime=tiny_runtime)  # type: ignore[arg-type]
    with run_uvicorn(app) as base_url:
        services = services_of(app)
        assert services.voice.wait_ready(timeout=180), services.voice.status
        yield base_url, services


@pytest.fixture(scope="session")
def voice_server(voice_api: tuple[str, Services]) -> str:
    """The base URL of :func:`voice_api`."""
    return voice_api[0]


@pytest.fixture(scope="session")
def line_server(tiny_settings: object, tiny_runtime: object) -> Iterator[str]:
    """The API with a signed telephone line but no speech recognition loaded (fast): the
    menu, keys, queue and dial webhooks; nobody staffs the hand-off, no SMS sender."""
    from assistant_api.app import create_app
    from permanence.settings import Settings
    from permanence.testing.servers import run_uvicorn

    assert isinstance(tiny_settings, Settings)
    settings = tiny_settings.updated(
        {"telephony": {"twilio_auth_token": TWILIO_TOKEN, "twilio_account_sid": TWILIO_SID}}
    )
    app = create_app(settings, runtime=tiny_runtime)  # type: ignore[arg-type]
    with run_uvicorn(app) as base_url:
        yield base_url
