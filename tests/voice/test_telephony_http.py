"""The telephone hotline over real HTTP: signed Twilio-style webhooks driving the call flow,
TwiML parsed, recordings fetched from a fake platform on 127.0.0.1, 8 kHz mu-law audio played
back, SMS, emergency transfer, hand-off and queue, the line closed unless signed."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from assistant_api.voice.signature import twilio_signature
from tests.voice.conftest import HANDOFF_NUMBER, SMS_FROM, TWILIO_TOKEN, FakePlatform

if TYPE_CHECKING:
    from assistant_api.services import Services

pytestmark = [pytest.mark.integration]

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


def _verbs(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def _query(url: str | None) -> dict[str, str]:
    assert url is not None
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def _mulaw_8k(url: str) -> bytes:
    audio = httpx.get(url, timeout=10)
    assert audio.status_code == 200
    assert audio.content[:4] == b"RIFF" and audio.content[8:12] == b"WAVE"
    assert struct.unpack("<HHI", audio.content[20:28]) == (7, 1, 8000)  # mu-law, mono, 8 kHz
    return audio.content


# ---- the line without speech recognition (fast) -----------------------------------------


def test_a_call_hears_two_prompts_then_can_speak(line_server: str) -> None:
    root = _twiml(_post(f"{line_server}/v1/telephony/voice", {"CallSid": "CA1", "From": CALLER}))
    assert _verbs(root) == ["Gather", "Record"]
    gather, record = root
    assert _verbs(gather) == ["Say", "Play"]  # greeting, then the menu in six voices
    assert gather.get("action") == f"{line_server}/v1/telephony/key?s=menu"
    assert gather.get("numDigits") == "1"
    greeting = gather[0]
    assert greeting.get("language") == "fr-FR"
    assert greeting.text is not None and "cent quarante-quatre" in greeting.text
    menu = _mulaw_8k(gather[1].text or "")
    assert len(menu) > 8000 * 4  # "Français, 1. Deutsch, 2. … Une personne, 0.": about 5 s
    assert record.get("action") == f"{line_server}/v1/telephony/recording?s=menu"
    assert record.get("finishOnKey") == "#0"
    assert record.get("playBeep") == "true"


def test_the_menu_audio_is_made_once(line_server: str) -> None:
    first = _twiml(_post(f"{line_server}/v1/telephony/voice", {"CallSid": "CA2"}))
    second = _twiml(_post(f"{line_server}/v1/telephony/voice", {"CallSid": "CA3"}))
    assert first[0][1].text == second[0][1].text


def test_a_language_key_asks_the_question_in_that_language(line_server: str) -> None:
    root = _twiml(
        _post(f"{line_server}/v1/telephony/key?s=menu", {"CallSid": "CA4", "Digits": "2"})
    )
    assert _verbs(root) == ["Say", "Record"]
    assert root[0].get("language") == "de-DE"
    assert root[0].text == (
        "Stellen Sie Ihre Frage nach dem Signalton und drücken Sie dann die Raute."
    )
    assert _query(root[1].get("action")) == {"s": "ask", "lang": "de"}


def test_an_invalid_key_hears_the_menu_again(line_server: str) -> None:
    root = _twiml(
        _post(f"{line_server}/v1/telephony/key?s=menu", {"CallSid": "CA5", "Digits": "9"})
    )
    assert _verbs(root) == ["Say", "Gather", "Record"]
    assert root[0].text == "Cette touche ne correspond à aucun choix."
    assert _verbs(root[1]) == ["Play"]


@pytest.mark.parametrize(
    ("path", "form"),
    [
        pytest.param("/v1/telephony/key?s=menu", {"Digits": "0"}, id="menu"),
        pytest.param("/v1/telephony/key?s=answered&lang=en", {"Digits": "0"}, id="after-answer"),
        pytest.param("/v1/telephony/recording?s=ask&lang=en", {"Digits": "0"}, id="recording"),
        pytest.param(
            "/v1/telephony/dialed?s=transfer&lang=en",
            {"DialCallStatus": "no-answer"},
            id="transfer-failed",
        ),
    ],
)
def test_zero_reaches_the_queue_when_nobody_is_staffed_never_a_hangup(
    line_server: str, path: str, form: dict[str, str]
) -> None:
    root = _twiml(_post(f"{line_server}{path}", {"CallSid": "CA6", **form}))
    assert _verbs(root) == ["Gather", "Redirect"]
    assert "Hangup" not in ET.tostring(root, encoding="unicode")
    gather = root[0]
    assert _query(gather.get("action"))["s"] == "queue"
    said = gather[0].text or ""
    assert "143" in said or "cent quarante-trois" in said
    assert "144" in said or "cent quarante-quatre" in said


def test_the_queue_connects_to_la_main_tendue_or_takes_a_question(line_server: str) -> None:
    dial = _twiml(
        _post(f"{line_server}/v1/telephony/key?s=queue&lang=en", {"CallSid": "CA7", "Digits": "1"})
    )
    assert _verbs(dial) == ["Say", "Dial"]
    assert dial[1].text == "143"
    assert _query(dial[1].get("action")) == {"s": "queue", "lang": "en"}
    ask = _twiml(_post(f"{line_server}/v1/telephony/key?s=queue&lang=en", {"CallSid": "CA7"}))
    assert _verbs(ask) == ["Say", "Record"]
    assert _query(ask[1].get("action")) == {"s": "ask", "lang": "en", "t": "1"}


def test_an_answer_the_call_book_forgot_is_not_dead_air(line_server: str) -> None:
    root = _twiml(
        _post(
            f"{line_server}/v1/telephony/key?s=answered&lang=it", {"CallSid": "CAx", "Digits": "1"}
        )
    )
    assert _verbs(root) == ["Gather", "Redirect"]
    assert root[0][0].tag == "Say" and root[0][0].get("language") == "it-IT"


def test_speech_unavailable_hands_off(line_server: str, voice_clips: dict[str, Path]) -> None:
    files = {"file": ("q.wav", voice_clips["en_job"].read_bytes(), "audio/wav")}
    root = _twiml(
        _post(
            f"{line_server}/v1/telephony/recording?s=ask&lang=en", {"CallSid": "CA8"}, files=files
        )
    )
    assert _verbs(root) == ["Say", "Gather", "Redirect"]
    assert root[0].text == "The voice service is not available right now."


@pytest.mark.parametrize("signature", [None, "bm90LXRoZS1zaWduYXR1cmU="], ids=["missing", "wrong"])
def test_unsigned_or_badly_signed_webhooks_are_refused(
    line_server: str, signature: str | None
) -> None:
    headers = {"X-Twilio-Signature": signature} if signature else {}
    response = httpx.post(
        f"{line_server}/v1/telephony/voice", data={"CallSid": "CAx"}, headers=headers, timeout=10
    )
    assert response.status_code == 403


@pytest.fixture(scope="module")
def open_lines(tiny_settings: object, tiny_runtime: object) -> Iterator[dict[str, str]]:
    """Two lines without a token: closed (the default) and opened for local testing."""
    from assistant_api.app import create_app
    from permanence.settings import Settings
    from permanence.testing.servers import run_uvicorn

    assert isinstance(tiny_settings, Settings)
    closed = create_app(tiny_settings, runtime=tiny_runtime)  # type: ignore[arg-type]
    opened = create_app(
        tiny_settings.updated({"telephony": {"allow_unsigned": True}}),
        runtime=tiny_runtime,  # type: ignore[arg-type]
    )
    with run_uvicorn(closed) as closed_url, run_uvicorn(opened) as opened_url:
        yield {"closed": closed_url, "opened": opened_url}


@pytest.mark.parametrize("webhook", ["voice", "key", "recording", "dialed"])
def test_without_a_token_the_line_is_closed_unless_opened_for_testing(
    open_lines: dict[str, str], webhook: str
) -> None:
    closed = httpx.post(f"{open_lines['closed']}/v1/telephony/{webhook}", data={}, timeout=10)
    assert closed.status_code == 403
    assert "PERMANENCE_TELEPHONY_TWILIO_AUTH_TOKEN" in closed.json()["detail"]
    if webhook != "recording":  # an empty recording needs no speech recognition either
        opened = httpx.post(f"{open_lines['opened']}/v1/telephony/{webhook}", data={}, timeout=10)
        assert opened.status_code == 200, opened.text


def test_webhooks_count_against_the_rate_limit(tiny_settings: object, tiny_runtime: object) -> None:
    from assistant_api.app import create_app
    from permanence.settings import Settings
    from permanence.testing.servers import run_uvicorn

    assert isinstance(tiny_settings, Settings)
    settings = tiny_settings.updated({"limits": {"requests_per_minute": 2}})
    app = create_app(settings, runtime=tiny_runtime)  # type: ignore[arg-type]
    with run_uvicorn(app) as url:
        statuses = [
            httpx.post(f"{url}/v1/telephony/voice", data={}, timeout=10).status_code
            for _ in range(4)
        ]
    assert statuses[:2] == [403, 403]  # unsigned: refused, but counted
    assert statuses[2:] == [429, 429]


# ---- whole calls, with Whisper ---------------------------------------------------------


@pytest.mark.slow
def test_full_call_question_answer_sms_repeat_and_handoff(
    voice_server: str, voice_clips: dict[str, Path], fake_platform: FakePlatform
) -> None:
    call = {"CallSid": "CAflow", "From": CALLER, "To": "+41 00 000 00 04"}
    root = _twiml(_post(f"{voice_server}/v1/telephony/key?s=menu", {**call, "Digits": "4"}))
    assert _verbs(root) == ["Say", "Record"]
    record = root[1]
    assert _query(record.get("action")) == {"s": "ask", "lang": "en"}

    # The platform recorded the caller at 8 kHz mu-law; its URL redirects to the media host.
    fake_platform.recordings["CAflow.wav"] = voice_clips["en_job.8k"].read_bytes()
    answer = _twiml(
        _post(
            record.get("action") or "",
            {**call, "RecordingUrl": f"{fake_platform.base_url}/redirect/CAflow.wav"},
        )
    )
    assert _verbs(answer) == ["Gather", "Redirect"]
    gather = answer[0]
    assert _query(gather.get("action")) == {"s": "answered", "lang": "en"}
    assert _verbs(gather) == ["Play"]  # the answer and its offer, interrupted by any key
    play_url = gather[0].text or ""
    assert play_url.startswith(f"{voice_server}/v1/voice/audio/")
    audio = _mulaw_8k(play_url)
    assert 8000 * 10 < len(audio) < 8000 * 60  # 10 to 60 s with the offer

    sms = _twiml(_post(gather.get("action") or "", {**call, "Digits": "2"}))
    assert _verbs(sms) == ["Say", "Gather", "Redirect"]
    assert sms[0].text == "The numbers have been sent to you by text message."
    assert len(fake_platform.sms) == 1
    message = fake_platform.sms[0]
    assert message["To"] == CALLER
    assert message["From"] == SMS_FROM
    assert "Office régional de placement de Neuchâtel - +41 32 889 68 12" in message["Body"]
    assert fake_platform.sms_auth[0].startswith("Basic ")
    offer_url = sms[1][0].text or ""
    assert offer_url != play_url and _mulaw_8k(offer_url)

    repeat = _twiml(_post(gather.get("action") or "", {**call, "Digits": "1"}))
    assert repeat[0][0].text == play_url

    person = _twiml(_post(gather.get("action") or "", {**call, "Digits": "0"}))
    assert _verbs(person) == ["Say", "Dial"]
    assert person[1].text == HANDOFF_NUMBER
    assert _query(person[1].get("action"))["s"] == "transfer"


@pytest.mark.slow
def test_an_emergency_offers_the_transfer_first_and_connects_when_the_caller_stays(
    voice_server: str, voice_clips: dict[str, Path]
) -> None:
    files = {"file": ("q.wav", voice_clips["en_suicide.8k"].read_bytes(), "audio/wav")}
    root = _twiml(
        _post(
            f"{voice_server}/v1/telephony/recording?s=ask&lang=en",
            {"CallSid": "CAurgent", "From": CALLER},
            files=files,
        )
    )
    assert _verbs(root) == ["Gather", "Dial"]
    gather, dial = root
    assert _query(gather.get("action")) == {"s": "emergency", "lang": "en"}
    _mulaw_8k(gather[0].text or "")
    assert dial.text == "143"  # staying on the line: La Main Tendue, the first number
    two = _twiml(_post(gather.get("action") or "", {"CallSid": "CAurgent", "Digits": "2"}))
    assert _verbs(two) == ["Say", "Dial"]
    assert two[1].text == "144"
    failed = _twiml(
        _post(
            f"{voice_server}/v1/telephony/dialed?s=emergency&lang=en",
            {"CallSid": "CAurgent", "DialCallStatus": "failed"},
        )
    )
    assert failed[0].text == "The call could not be connected. Hang up and dial 143."
    # The tiny corpus has no service to follow after these lines (the psychiatric emergency
    # answers on 144 too): 9 is no choice here, and the transfer offer comes again.
    more = _twiml(_post(gather.get("action") or "", {"CallSid": "CAurgent", "Digits": "9"}))
    assert _verbs(more) == ["Say", "Gather", "Dial"]
    assert more[0].text == "That key is not one of the choices."


def test_violence_described_not_now_is_answered_then_offered_to_be_connected_to_117(
    voice_api: tuple[str, Services], voice_clips: dict[str, Path]
) -> None:
    base_url, services = voice_api
    files = {"file": ("q.wav", voice_clips["en_violence"].read_bytes(), "audio/wav")}
    call = {"CallSid": "CAdanger", "From": CALLER}
    root = _twiml(_post(f"{base_url}/v1/telephony/recording?s=ask&lang=en", call, files=files))
    state = services.calls.get("CAdanger")
    assert state is not None
    answer, _ = state.part("answer")
    # An orientation (not the emergency's transfer first), ending with 117 said twice, and
    # the offer proposes to dial it before the other keys.
    assert _verbs(root) == ["Gather", "Redirect"], answer
    assert _query(root[0].get("action")) == {"s": "answered", "lang": "en"}
    assert state.connect == "117" and state.transfer == ()
    assert "Police: 117, I repeat, 117. To be connected to 117, press 4." in answer
    offer, _ = state.part("offer")
    assert offer.startswith("To be connected to 117, press 4.")
    dial = _twiml(_post(root[0].get("action") or "", {**call, "Digits": "4"}))
    assert _verbs(dial) == ["Say", "Dial"]
    assert dial[1].text == "117"
    assert _query(dial[1].get("action")) == {"s": "answered", "lang": "en"}
    failed = _twiml(_post(dial[1].get("action") or "", {**call, "DialCallStatus": "no-answer"}))
    assert failed[0].text == "The call could not be connected. Hang up and dial 117."
    assert _verbs(failed) == ["Say", "Gather", "Redirect"]


@pytest.mark.slow
def test_asking_for_a_person_is_handed_off(voice_server: str, voice_clips: dict[str, Path]) -> None:
    files = {"file": ("q.wav", voice_clips["en_person"].read_bytes(), "audio/wav")}
    root = _twiml(
        _post(f"{voice_server}/v1/telephony/recording?s=menu", {"CallSid": "CAp"}, files=files)
    )
    assert _verbs(root) == ["Say", "Dial"]
    assert root[0].get("language") == "en-GB"
    assert root[1].text == HANDOFF_NUMBER


@pytest.mark.slow
def test_a_language_can_be_chosen_by_saying_it(
    voice_server: str, voice_clips: dict[str, Path]
) -> None:
    files = {"file": ("q.wav", voice_clips["en_language"].read_bytes(), "audio/wav")}
    root = _twiml(
        _post(f"{voice_server}/v1/telephony/recording?s=menu", {"CallSid": "CAl"}, files=files)
    )
    assert _verbs(root) == ["Say", "Record"]
    assert root[0].get("language") == "en-GB"
    assert _query(root[1].get("action")) == {"s": "ask", "lang": "en"}


@pytest.mark.slow
def test_silence_is_retried_once_then_handed_off(
    voice_server: str, voice_clips: dict[str, Path]
) -> None:
    files = {"file": ("q.wav", voice_clips["silence"].read_bytes(), "audio/wav")}
    first = _twiml(
        _post(
            f"{voice_server}/v1/telephony/recording?s=ask&lang=fr",
            {"CallSid": "CAquiet"},
            files=files,
        )
    )
    assert _verbs(first) == ["Say", "Say", "Record"]
    assert first[0].text == "Je n'ai pas bien entendu votre question. Essayons encore une fois."
    assert _query(first[2].get("action")) == {"s": "ask", "lang": "fr", "n": "2"}
    second = _twiml(_post(first[2].get("action") or "", {"CallSid": "CAquiet"}, files=files))
    assert _verbs(second) == ["Say", "Dial"]
    assert second[0].text == (
        "Je vous passe une personne. Si la ligne coupe, appelez le "
        "zéro zéro zéro, zéro zéro zéro, zéro zéro, zéro un."
    )


@pytest.mark.slow
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
        f"{voice_server}/v1/telephony/recording?s=ask", {"CallSid": "CAevil", "RecordingUrl": url}
    )
    assert response.status_code == 400
    assert "not allowed" in response.json()["detail"]


@pytest.mark.slow
def test_a_guessed_question_is_read_back_and_can_be_said_again(
    voice_api: tuple[str, Services], voice_clips: dict[str, Path]
) -> None:
    base_url, services = voice_api
    channel = services.voice
    threshold = channel.min_word_confidence
    channel.min_word_confidence = 1.01  # every transcript counts as a guess
    try:
        files = {"file": ("q.wav", voice_clips["en_job.8k"].read_bytes(), "audio/wav")}
        call = {"CallSid": "CAguess", "From": CALLER}
        root = _twiml(_post(f"{base_url}/v1/telephony/recording?s=ask&lang=en", call, files=files))
    finally:
        channel.min_word_confidence = threshold
    assert _verbs(root) == ["Gather", "Redirect"]
    gather, redirect = root
    assert _query(gather.get("action")) == {"s": "confirm", "lang": "en"}
    assert _query(redirect.text) == {"s": "confirm", "lang": "en"}
    confirm_audio = _mulaw_8k(gather[0].text or "")
    state = services.calls.get("CAguess")
    assert state is not None
    said, _ = state.part("confirm")
    assert said.startswith("I understood: ") and "press 1" in said and "press 3" in said
    answer_text, answer_audio = state.part("answer")
    assert answer_text and answer_audio is not None
    assert 8000 * 2 < len(confirm_audio) < 8000 * 25  # the read-back is short
    asked_in = state.conversation_id
    assert asked_in is not None
    before = services.conversations.store.get(asked_in, "public")
    assert before is not None and len(before.turns) == 1

    # Staying on the line means it was right: the answer plays, then its offer.
    stayed = _twiml(_post(redirect.text or "", call))
    assert _verbs(stayed) == ["Gather", "Redirect"]
    assert _query(stayed[0].get("action")) == {"s": "answered", "lang": "en"}
    _mulaw_8k(stayed[0][0].text or "")
    assert stayed[0][0].text != gather[0].text

    # 3: it was wrong; the caller says it again, and the mishearing is not a conversation.
    again = _twiml(_post(gather.get("action") or "", {**call, "Digits": "3"}))
    assert _verbs(again) == ["Say", "Record"]
    assert _query(again[1].get("action")) == {"s": "ask", "lang": "en"}
    forgotten = services.calls.get("CAguess")
    assert forgotten is not None and forgotten.answer_id == state.answer_id  # feedback counts
    conversation = services.conversations.store.get(asked_in, "public")
    assert conversation is not None and conversation.turns == ()  # the misheard turn is gone
