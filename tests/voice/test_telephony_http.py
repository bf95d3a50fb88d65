"""The telephone hotline over real HTTP: signed Twilio-style webhooks, TwiML parsed, the recording
fetched from a fake platform on 127.0.0.1, 8 kHz mu-law audio played back, SMS and hand-off."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from assistant_api.voice.signature import twilio_signature
from tests.voice.conftest import HANDOFF_NUMBER, SMS_FROM, TWILIO_TOKEN, FakePlatform

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CALLER = "+41 00 000 00 03"


def _post(
    url: str,
    form: dict[str, str],
    *,
    files: dict[str, tuple[str, bytes, str]] | None = None,
    sign: bool = True,
) -> httpx.Response:
    headers = (
        {"X-Twilio-Signature": twilio_signature(url, form.items(), TWILIO_TOKEN)} if sign else {}
    )
    return httpx.post(url, data=form, files=files, headers=headers, timeout=120)


def _twiml(response: httpx.Response) -> ET.Element:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.tag == "Response"
    return root


def _verbs(root: ET.Element) -> list[str]:
    return [child.tag for child in root]


def test_incoming_call_greets_in_french_with_a_language_menu(voice_server: str) -> None:
    root = _twiml(
        _post(f"{voice_server}/v1/telephony/voice", {"CallSid": "CAgreet", "From": CALLER})
    )
    assert _verbs(root) == ["Gather", "Redirect"]
    gather = root[0]
    assert gather.get("action") == f"{voice_server}/v1/telephony/language"
    assert gather.get("numDigits") == "1"
    says = gather.findall("Say")
    assert [s.get("language") for s in says] == [
        "fr-FR",
        "fr-FR",
        "de-DE",
        "it-IT",
        "en-GB",
        "pt-PT",
        "es-ES",
        "fr-FR",
    ]
    assert says[0].text is not None and says[0].text.startswith("Bonjour")
    assert root[1].text == f"{voice_server}/v1/telephony/language"


@pytest.mark.parametrize("signature", [None, "bm90LXRoZS1zaWduYXR1cmU="], ids=["missing", "wrong"])
def test_unsigned_or_badly_signed_webhooks_are_refused(
    voice_server: str, signature: str | None
) -> None:
    headers = {"X-Twilio-Signature": signature} if signature else {}
    response = httpx.post(
        f"{voice_server}/v1/telephony/voice", data={"CallSid": "CAx"}, headers=headers, timeout=10
    )
    assert response.status_code == 403


def test_full_call_question_answer_sms_repeat_and_handoff(
    voice_server: str, voice_clips: dict[str, Path], fake_platform: FakePlatform
) -> None:
    call = {"CallSid": "CAflow", "From": CALLER, "To": "+41 00 000 00 04"}
    root = _twiml(_post(f"{voice_server}/v1/telephony/language", {**call, "Digits": "4"}))
    assert _verbs(root) == ["Say", "Record", "Say", "Hangup"]
    assert root[0].get("language") == "en-GB"
    record = root[1]
    assert record.get("action") == f"{voice_server}/v1/telephony/recording?attempt=1&lang=en"
    assert record.get("maxLength") == "60"
    assert record.get("finishOnKey") == "#"

    # The platform recorded the caller at 8 kHz mu-law; its URL redirects to the media host.
    fake_platform.recordings["CAflow.wav"] = voice_clips["en_job.8k"].read_bytes()
    answer = _twiml(
        _post(
            record.get("action") or "",
            {
                **call,
                "RecordingUrl": f"{fake_platform.base_url}/redirect/CAflow.wav",
                "RecordingDuration": "3",
            },
        )
    )
    assert _verbs(answer) == ["Play", "Gather", "Say", "Hangup"]
    play_url = answer[0].text or ""
    assert play_url.startswith(f"{voice_server}/v1/voice/audio/") and play_url.endswith(".wav")
    audio = httpx.get(play_url, timeout=10)
    assert audio.status_code == 200
    assert audio.content[:4] == b"RIFF" and audio.content[8:12] == b"WAVE"
    audio_format, channels, rate = struct.unpack("<HHI", audio.content[20:28])
    assert (audio_format, channels, rate) == (7, 1, 8000)  # mu-law, mono, 8 kHz
    menu = answer[1]
    assert menu.get("action") == f"{voice_server}/v1/telephony/menu?lang=en"
    options = menu.find("Say")
    assert options is not None and options.text is not None
    assert "text message, press 2" in options.text
    assert "speak to a person, press 0" in options.text

    sms = _twiml(_post(menu.get("action") or "", {**call, "Digits": "2"}))
    assert _verbs(sms)[:2] == ["Say", "Gather"]
    assert sms[0].text == "The contacts have been sent to you by text message."
    assert len(fake_platform.sms) == 1
    message = fake_platform.sms[0]
    assert message["To"] == CALLER
    assert message["From"] == SMS_FROM
    assert "Office régional de placement de Neuchâtel - +41 32 889 68 12" in message["Body"]
    assert fake_platform.sms_auth[0].startswith("Basic ")

    repeat = _twiml(_post(menu.get("action") or "", {**call, "Digits": "1"}))
    assert _verbs(repeat)[0] == "Play"
    assert repeat[0].text == play_url

    person = _twiml(_post(menu.get("action") or "", {**call, "Digits": "0"}))
    assert _verbs(person) == ["Say", "Dial"]
    assert person[1].text == HANDOFF_NUMBER


def test_asking_for_a_person_is_handed_off(voice_server: str, voice_clips: dict[str, Path]) -> None:
    url = f"{voice_server}/v1/telephony/recording?attempt=1"
    files = {"file": ("q.wav", voice_clips["en_person"].read_bytes(), "audio/wav")}
    root = _twiml(_post(url, {"CallSid": "CAperson", "From": CALLER}, files=files))
    assert _verbs(root) == ["Say", "Dial"]
    assert root[0].get("language") == "en-GB"
    assert root[1].text == HANDOFF_NUMBER


def test_silence_is_retried_once_then_handed_off(
    voice_server: str, voice_clips: dict[str, Path]
) -> None:
    files = {"file": ("q.wav", voice_clips["silence"].read_bytes(), "audio/wav")}
    first = _twiml(
        _post(
            f"{voice_server}/v1/telephony/recording?attempt=1&lang=fr",
            {"CallSid": "CAquiet"},
            files=files,
        )
    )
    assert _verbs(first) == ["Say", "Redirect"]
    assert first[1].text == f"{voice_server}/v1/telephony/language?attempt=2&lang=fr"
    second = _twiml(
        _post(
            f"{voice_server}/v1/telephony/recording?attempt=2&lang=fr",
            {"CallSid": "CAquiet"},
            files=files,
        )
    )
    assert _verbs(second) == ["Say", "Dial"]
    assert second[0].text == (
        "Je vous passe une personne. Si la ligne coupe, appelez le "
        "zéro zéro zéro, zéro zéro zéro, zéro zéro, zéro un."
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/recordings/x.wav",
        "http://169.254.169.254/latest/meta-data",
        "file:///etc/passwd",
    ],
)
def test_recordings_are_fetched_only_from_allowed_hosts(voice_server: str, url: str) -> None:
    response = _post(
        f"{voice_server}/v1/telephony/recording", {"CallSid": "CAevil", "RecordingUrl": url}
    )
    assert response.status_code == 400
    assert "not allowed" in response.json()["detail"]
