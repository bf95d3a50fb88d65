"""A caller's recording heard and, when it is a question, answered and kept for the call.

The one webhook with real work behind it (fetching the recording, Whisper, the assistant,
espeak-ng), kept apart from the routing so the webhooks stay a table of events. The answer is
synthesised in the parts the call flow plays separately (answer, offer, transfer, follow) and
stored in the call book under the ``CallSid``; its ``answer_id`` is registered with the
server's issued answers, so feedback on a phone answer is accepted like any other. A call is one
conversation: each recording is asked with the conversation id of the call's last answer, so
"I live in Fleurier" after a rent question answers the rent question for Fleurier. The transcript
goes through the channel's transcript matcher first, as on ``/v1/voice``.
"""

from __future__ import annotations

import logging

import httpx
from fastapi import HTTPException, Request, status
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from assistant_api.http.deps import get_services
from assistant_api.models import AskRequest
from assistant_api.voice.call_events import Event, Failure, Heard, NoInput
from assistant_api.voice.call_flow import CONFIRM_AGAIN_KEY, CONFIRM_YES_KEY
from assistant_api.voice.call_urls import call_context
from assistant_api.voice.calls import CallState
from assistant_api.voice.channel import VoiceChannel, answer_language
from assistant_api.voice.errors import AudioRejected, SynthesisError, VoiceError
from assistant_api.voice.media import fetch_recording
from assistant_api.voice.normalise import confirm_sentence, read_back
from assistant_api.voice.phone_prompts import chosen_language, wants_person
from assistant_api.voice.routes import get_channel, voice_domain
from assistant_api.voice.sms import contacts_sms, sms_configured
from assistant_api.voice.speech_segments import Segment, join_text
from assistant_api.voice.spoken_answer import SpokenAnswer, compose_spoken

__all__ = ["hear", "synthesise_call"]

logger = logging.getLogger(__name__)

#: Seconds to wait for the platform's recording (a caller is waiting on the line).
_MEDIA_TIMEOUT_S = 10.0


async def _recording_bytes(request: Request, form: FormData, channel: VoiceChannel) -> bytes:
    """The recording: an uploaded file, or fetched from the platform's ``RecordingUrl``."""
    upload = form.get("file")
    if isinstance(upload, UploadFile):
        return await upload.read(channel.limits.max_bytes + 1)
    url = form.get("RecordingUrl")
    if not isinstance(url, str) or not url:
        return b""
    telephony = get_services(request).settings.telephony
    token = telephony.twilio_auth_token
    auth = (
        (telephony.twilio_account_sid, token.get_secret_value())
        if telephony.twilio_account_sid and token
        else None
    )

    def fetch() -> bytes:
        with httpx.Client(timeout=_MEDIA_TIMEOUT_S) as client:
            return fetch_recording(
                url,
                allowed_hosts=telephony.media_hosts,
                max_bytes=channel.limits.max_bytes,
                client=client,
                auth=auth,
            )

    return await run_in_threadpool(fetch)


async def hear(request: Request, form: FormData) -> Event:
    """What the recording was: a question (answered and stored), a language, a person…"""
    channel = get_channel(request)
    language = call_context(request, form).language
    try:
        data = await _recording_bytes(request, form, channel)
        if not data:
            return NoInput()
        hints = voice_domain(request).hints(language)
        transcript = await run_in_threadpool(
            channel.transcribe, data, language=language, hints=hints
        )
    except AudioRejected as exc:
        if exc.reason == "media_host":
            raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from exc
        logger.info("call recording not usable (%s)", exc.reason)
        return NoInput()
    except VoiceError as exc:
        logger.error("voice unavailable during a call: %s", exc)
        return Failure()
    heard = answer_language(language, transcript.language) or language or "fr"
    if wants_person(transcript.text):
        return Heard("person", heard)
    choice = chosen_language(transcript.text)
    if choice is not None and language is None:
        return Heard("language", choice)
    services = get_services(request)
    call_sid = str(form.get("CallSid") or "")
    earlier = services.calls.get(call_sid) if call_sid else None
    asked_in = answer_language(language, transcript.language)
    match, guessed = channel.understood(transcript, asked_in)
    text = match.text if match is not None else transcript.text
    question = AskRequest(
        question=text[: services.settings.limits.max_question_chars],
        language=asked_in,
        conversation_id=earlier.conversation_id if earlier is not None else None,
    )
    result = await run_in_threadpool(services.conversations.ask, question)
    services.issued.add(result.answer_id)
    domain = voice_domain(request)
    sms = sms_configured(services.settings.telephony) and bool(form.get("From"))
    spoken = compose_spoken(
        result,
        channel="phone",
        categories=domain.card_categories(result, transcript.text),
        does=domain.card_does(result),
        sms=sms,
    )
    # Read back in the answer's language (the caller's choice, else what was detected), and
    # never before a danger's numbers: an emergency, or violence described (117 is in the answer).
    confirm = (
        (
            Segment(read_back(match, result.language) + " "),
            Segment(
                confirm_sentence(result.language, yes=CONFIRM_YES_KEY, again=CONFIRM_AGAIN_KEY)
            ),
        )
        if guessed
        and match is not None
        and result.kind != "emergency"
        and not result.danger_numbers
        else ()
    )
    call = await run_in_threadpool(
        synthesise_call,
        channel,
        spoken,
        contacts_sms(result),
        answer_id=result.answer_id,
        conversation_id=result.conversation_id,
        confirm=confirm,
    )
    if call_sid:
        services.calls.put(call_sid, call)
    return Heard("question", result.language, answer_kind=result.kind, confirm=bool(confirm))


def synthesise_call(
    channel: VoiceChannel,
    spoken: SpokenAnswer,
    sms_body: str,
    *,
    answer_id: str | None = None,
    conversation_id: str | None = None,
    confirm: tuple[Segment, ...] = (),
) -> CallState:
    """The call's answer in its parts, synthesised as 8 kHz mu-law (text only on failure).

    ``confirm``: the read-back to play before the answer, when the recognition was a guess."""
    parts: dict[str, tuple[Segment, ...]] = {
        "answer": spoken.body + spoken.offer,
        "offer": spoken.menu,
    }
    if confirm:
        parts["confirm"] = confirm
    if spoken.transfer:
        parts["transfer"] = spoken.offer
    if spoken.follow:
        parts["follow"] = spoken.follow + spoken.menu
    texts = {name: join_text(segments) for name, segments in parts.items()}
    audio_ids: dict[str, str] = {}
    for name, segments in parts.items():
        if not texts[name]:
            continue
        try:
            audio_ids[name] = channel.speak_segments(segments, spoken.language, "mulaw").audio_id
        except (SynthesisError, ValueError) as exc:
            logger.error("could not synthesise the %s, falling back to <Say>: %s", name, exc)
    return CallState(
        language=spoken.language,
        text=texts["answer"],
        audio_id=audio_ids.get("answer"),
        sms_body=sms_body,
        texts={k: v for k, v in texts.items() if k != "answer"},
        audio_ids={k: v for k, v in audio_ids.items() if k != "answer"},
        transfer=spoken.transfer,
        follow=bool(spoken.follow),
        connect=spoken.connect,
        answer_id=answer_id,
        conversation_id=conversation_id,
    )
