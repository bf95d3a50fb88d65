"""A caller's turns are one conversation: on ``/v1/voice`` with the earlier answer's
``conversation_id``, and on the telephone line within one call (``CallSid``)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from assistant_api.services import Services
from assistant_api.voice.signature import twilio_signature
from tests.voice.conftest import TWILIO_TOKEN

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _say(base_url: str, clip: Path, conversation_id: str | None = None) -> dict[str, object]:
    data = {"language": "en", **({"conversation_id": conversation_id} if conversation_id else {})}
    response = httpx.post(
        f"{base_url}/v1/voice",
        data=data,
        files={"file": ("q.wav", clip.read_bytes(), "audio/wav")},
        timeout=180,
    )
    assert response.status_code == 200, response.text
    result: dict[str, object] = response.json()["result"]
    return result


def test_a_spoken_follow_up_continues_the_conversation(
    voice_api: tuple[str, Services], voice_clips: dict[str, Path]
) -> None:
    base_url, services = voice_api
    first = _say(base_url, voice_clips["en_job"])
    cid = first["conversation_id"]
    assert isinstance(cid, str)
    follow = _say(base_url, voice_clips["en_hours"], cid)
    assert follow["conversation_id"] == cid
    conversation = services.conversations.store.get(cid, "public")
    assert conversation is not None and len(conversation.turns) == 2
    # "their opening hours" is about the door just named: answered from that one record.
    assert conversation.turns[1].need == conversation.turns[0].need
    first_doors = [card["id"] for card in first["institutions"]]  # type: ignore[attr-defined]
    assert [card["id"] for card in follow["institutions"]] == first_doors[:1]  # type: ignore[attr-defined]
    bad = httpx.post(
        f"{base_url}/v1/voice",
        data={"conversation_id": "not an id"},
        files={"file": ("q.wav", voice_clips["en_job"].read_bytes(), "audio/wav")},
        timeout=60,
    )
    assert bad.status_code == 422


def test_a_phone_call_is_one_conversation(
    voice_api: tuple[str, Services], voice_clips: dict[str, Path]
) -> None:
    base_url, services = voice_api
    url = f"{base_url}/v1/telephony/recording?s=ask&lang=en"
    form = {"CallSid": "CAconversation", "From": "+41 00 000 00 06"}
    signature = {"X-Twilio-Signature": twilio_signature(url, form.items(), TWILIO_TOKEN)}
    conversations: list[str | None] = []
    for clip in ("en_job", "en_hours"):
        answered = httpx.post(
            url,
            data=form,
            files={"file": ("q.wav", voice_clips[clip].read_bytes(), "audio/wav")},
            headers=signature,
            timeout=180,
        )
        assert answered.status_code == 200, answered.text
        call = services.calls.get("CAconversation")
        assert call is not None
        conversations.append(call.conversation_id)
    assert conversations[0] is not None and conversations[0] == conversations[1]
    conversation = services.conversations.store.get(conversations[0], "public")
    assert conversation is not None and len(conversation.turns) == 2
    assert conversation.turns[1].need == conversation.turns[0].need  # the earlier need
