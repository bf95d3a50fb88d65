"""Feedback on a spoken answer: the answer ids of ``POST /v1/voice`` and of the hotline are
issued like typed ones, so ``POST /v1/feedback`` accepts them and still refuses made-up ids."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from assistant_api.services import Services
from assistant_api.voice.signature import twilio_signature
from tests.voice.conftest import TWILIO_TOKEN

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def _feedback(base_url: str, answer_id: str) -> httpx.Response:
    return httpx.post(
        f"{base_url}/v1/feedback",
        json={"answer_id": answer_id, "rating": "helpful"},
        timeout=30,
    )


def test_a_voice_answer_can_be_rated_and_a_made_up_id_cannot(
    voice_server: str, voice_clips: dict[str, Path]
) -> None:
    spoken = httpx.post(
        f"{voice_server}/v1/voice",
        files={"file": ("q.wav", voice_clips["en_job"].read_bytes(), "audio/wav")},
        timeout=120,
    )
    assert spoken.status_code == 200, spoken.text
    answer_id = spoken.json()["result"]["answer_id"]
    accepted = _feedback(voice_server, answer_id)
    assert accepted.status_code == 202, accepted.text
    assert accepted.json()["answer_id"] == answer_id
    invented = "0" * 32 if answer_id != "0" * 32 else "f" * 32
    refused = _feedback(voice_server, invented)
    assert refused.status_code == 422
    assert "no recent answer" in refused.json()["detail"]  # refused as unknown, not malformed


def test_a_phone_answer_can_be_rated(
    voice_api: tuple[str, Services], voice_clips: dict[str, Path]
) -> None:
    base_url, services = voice_api
    url = f"{base_url}/v1/telephony/recording?s=ask&lang=en"
    form = {"CallSid": "CAfeedback", "From": "+41 00 000 00 05"}
    answered = httpx.post(
        url,
        data=form,
        files={"file": ("q.wav", voice_clips["en_job.8k"].read_bytes(), "audio/wav")},
        headers={"X-Twilio-Signature": twilio_signature(url, form.items(), TWILIO_TOKEN)},
        timeout=120,
    )
    assert answered.status_code == 200, answered.text
    call = services.calls.get("CAfeedback")
    assert call is not None and call.answer_id is not None
    assert _feedback(base_url, call.answer_id).status_code == 202
