"""The telephone hotline: Twilio-style webhooks that answer a call with TwiML.

Call flow (docs/voice.md draws it): ``/voice`` greets in French with a keypad language menu →
``/language`` asks for the question and records it → ``/recording`` fetches the recording
(allowed hosts only) or takes an uploaded ``file``, transcribes it, answers, and plays the
answer as 8 kHz mu-law audio (``<Say>`` if synthesis fails) → ``/menu`` replays, sends the
contacts by SMS (when a sender is configured), takes another question, or hands off to a
person. The hand-off number is announced and dialled when the assistant has no answer, does not
understand twice, or the caller asks for a person. With
``PERMANENCE_TELEPHONY_TWILIO_AUTH_TOKEN`` set, every webhook must carry a valid
``X-Twilio-Signature`` (403 otherwise).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlencode

import httpx
from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from assistant_api.http.deps import get_services
from assistant_api.models import AskRequest
from assistant_api.triage.language import SUPPORTED_LANGUAGES
from assistant_api.voice.calls import CallState
from assistant_api.voice.channel import VoiceChannel, answer_language
from assistant_api.voice.errors import AudioRejected, SynthesisError, VoiceError
from assistant_api.voice.media import fetch_recording
from assistant_api.voice.phone_prompts import (
    ANY_LANGUAGE,
    GREETING,
    MENU_CHOICES,
    MENU_LANGUAGES,
    PERSON_CHOICE,
    SAY_LANGUAGES,
    prompts_for,
    wants_person,
)
from assistant_api.voice.routes import get_channel
from assistant_api.voice.signature import signature_valid
from assistant_api.voice.sms import TwilioSmsSender, contacts_sms
from assistant_api.voice.speech_text import speak_phone, speech_text
from assistant_api.voice.twiml import TwiML
from permanence.settings import Settings

__all__ = ["MAX_ATTEMPTS", "router"]

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/telephony", tags=["telephony"])

#: Failed recordings before the caller is handed to a person.
MAX_ATTEMPTS = 2
_MEDIA_TIMEOUT_S = 10.0


def _settings(request: Request) -> Settings:
    return get_services(request).settings


def _url(request: Request, path: str, **query: str | int) -> str:
    base = _settings(request).public_base_url or str(request.base_url)
    suffix = f"?{urlencode(query)}" if query else ""
    return f"{base.rstrip('/')}{path}{suffix}"


def _signed_url(request: Request) -> str:
    base = _settings(request).public_base_url
    if not base:
        return str(request.url)
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{base.rstrip('/')}{request.url.path}{query}"


@asynccontextmanager
async def _checked_form(request: Request) -> AsyncIterator[FormData]:
    """The webhook's form, after checking Twilio's signature when a token is configured.

    Uploaded files are spooled to temporary files; leaving the block closes them.
    """
    form = await request.form()
    try:
        token = _settings(request).telephony.twilio_auth_token
        if token is not None:
            params = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
            signature = request.headers.get("x-twilio-signature")
            if not signature_valid(
                _signed_url(request), params, token.get_secret_value(), signature
            ):
                logger.warning("telephony webhook with a missing or wrong signature refused")
                raise HTTPException(status.HTTP_403_FORBIDDEN, "invalid X-Twilio-Signature")
        yield form
    finally:
        await form.close()


def _twiml(tw: TwiML) -> Response:
    return Response(content=tw.render(), media_type="application/xml")


def _language(value: str | None) -> str | None:
    return value if value in SUPPORTED_LANGUAGES else None


def _handoff(tw: TwiML, request: Request, language: str) -> None:
    used, prompts = prompts_for(language)
    number = _settings(request).telephony.handoff_number
    if number:
        tw.say(prompts.handoff.format(number=speak_phone(number, used)), SAY_LANGUAGES[used])
        tw.dial(number)
    else:
        tw.say(prompts.no_handoff, SAY_LANGUAGES[used])
        tw.hangup()


def _sms_configured(settings: Settings) -> bool:
    return bool(
        settings.telephony.sms_from_number
        and settings.telephony.twilio_account_sid
        and settings.telephony.twilio_auth_token
    )


def _send_sms(settings: Settings, *, to: str, body: str) -> None:
    """Send one SMS with a client closed afterwards (calls are rare; no pool to keep)."""
    token = settings.telephony.twilio_auth_token
    if not (settings.telephony.sms_from_number and settings.telephony.twilio_account_sid and token):
        raise VoiceError("no SMS sender is configured (PERMANENCE_TELEPHONY_SMS_FROM_NUMBER)")
    with httpx.Client(timeout=_MEDIA_TIMEOUT_S) as client:
        TwilioSmsSender(
            account_sid=settings.telephony.twilio_account_sid,
            auth_token=token.get_secret_value(),
            from_number=settings.telephony.sms_from_number,
            api_base=settings.telephony.sms_api_base,
            client=client,
        ).send(to=to, body=body)


def _offer_menu(tw: TwiML, request: Request, language: str) -> None:
    used, prompts = prompts_for(language)
    gather = tw.gather(_url(request, "/v1/telephony/menu", lang=language), timeout=8)
    options = [prompts.replay]
    if _sms_configured(_settings(request)):
        options.append(prompts.sms_option)
    options += [prompts.another, prompts.person_option]
    tw.say(" ".join(options), SAY_LANGUAGES[used], parent=gather)
    tw.say(prompts.goodbye, SAY_LANGUAGES[used])
    tw.hangup()


def _play_answer(tw: TwiML, request: Request, state: CallState, channel: VoiceChannel) -> None:
    if state.audio_id and channel.store.get(state.audio_id) is not None:
        tw.play(_url(request, f"/v1/voice/audio/{state.audio_id}.wav"))
    else:
        tw.say(state.text, SAY_LANGUAGES.get(state.language))


@router.post("/voice")
async def incoming_call(request: Request) -> Response:
    """A new call: greeting, keypad language menu, or speak in any language after the beep."""
    async with _checked_form(request) as form:
        return await _incoming_call(request, form)


async def _incoming_call(request: Request, form: FormData) -> Response:
    tw = TwiML()
    gather = tw.gather(_url(request, "/v1/telephony/language"), timeout=5)
    tw.say(GREETING, "fr-FR", parent=gather)
    for _digit, tag, text in MENU_CHOICES:
        tw.say(text, tag, parent=gather)
    tw.say(f"{PERSON_CHOICE} {ANY_LANGUAGE}", "fr-FR", parent=gather)
    tw.redirect(_url(request, "/v1/telephony/language"))
    return _twiml(tw)


@router.post("/language")
async def choose_language(request: Request) -> Response:
    """The caller chose a language (or none): ask for the question and record it."""
    async with _checked_form(request) as form:
        return await _choose_language(request, form)


async def _choose_language(request: Request, form: FormData) -> Response:
    digits = str(form.get("Digits") or "")
    attempt = int(request.query_params.get("attempt", "1") or 1)
    tw = TwiML()
    if digits == "0":
        _handoff(tw, request, "fr")
        return _twiml(tw)
    language = MENU_LANGUAGES.get(digits) or _language(request.query_params.get("lang"))
    used, prompts = prompts_for(language or "fr")
    tw.say(prompts.ask, SAY_LANGUAGES[used])
    query: dict[str, str | int] = {"attempt": attempt}
    if language:
        query["lang"] = language
    tw.record(
        _url(request, "/v1/telephony/recording", **query),
        max_length=int(_settings(request).voice.max_seconds),
    )
    tw.say(prompts.goodbye, SAY_LANGUAGES[used])
    tw.hangup()
    return _twiml(tw)


async def _recording_bytes(request: Request, form: FormData, channel: VoiceChannel) -> bytes:
    upload = form.get("file")
    if isinstance(upload, UploadFile):
        return await upload.read(channel.limits.max_bytes + 1)
    url = form.get("RecordingUrl")
    if not isinstance(url, str) or not url:
        return b""
    settings = _settings(request)
    token = settings.telephony.twilio_auth_token
    auth = (
        (settings.telephony.twilio_account_sid, token.get_secret_value())
        if settings.telephony.twilio_account_sid and token
        else None
    )

    def fetch() -> bytes:
        with httpx.Client(timeout=_MEDIA_TIMEOUT_S) as client:
            return fetch_recording(
                url,
                allowed_hosts=settings.telephony.media_hosts,
                max_bytes=channel.limits.max_bytes,
                client=client,
                auth=auth,
            )

    return await run_in_threadpool(fetch)


@router.post("/recording")
async def recording(request: Request) -> Response:
    """The recorded question: transcribe, answer, play the answer, offer the menu."""
    async with _checked_form(request) as form:
        return await _recording(request, form)


async def _recording(request: Request, form: FormData) -> Response:
    channel = get_channel(request)
    language = _language(request.query_params.get("lang"))
    attempt = int(request.query_params.get("attempt", "1") or 1)
    used, prompts = prompts_for(language or "fr")
    tw = TwiML()
    try:
        data = await _recording_bytes(request, form, channel)
        transcript = await run_in_threadpool(channel.transcribe, data, language=language)
    except AudioRejected as exc:
        if exc.reason == "media_host":
            raise HTTPException(status.HTTP_400_BAD_REQUEST, str(exc)) from exc
        logger.info("call recording not usable (%s), attempt %d", exc.reason, attempt)
        if attempt >= MAX_ATTEMPTS:
            _handoff(tw, request, used)
        else:
            tw.say(prompts.not_understood, SAY_LANGUAGES[used])
            retry: dict[str, str | int] = {"attempt": attempt + 1}
            if language:
                retry["lang"] = language
            tw.redirect(_url(request, "/v1/telephony/language", **retry))
        return _twiml(tw)
    except VoiceError as exc:
        logger.error("voice unavailable during a call: %s", exc)
        tw.say(prompts.unavailable, SAY_LANGUAGES[used])
        _handoff(tw, request, used)
        return _twiml(tw)
    if wants_person(transcript.text):
        _handoff(tw, request, answer_language(language, transcript.language) or used)
        return _twiml(tw)
    runtime = get_services(request).runtime
    question = AskRequest(
        question=transcript.text[: _settings(request).limits.max_question_chars],
        language=answer_language(language, transcript.language),
    )
    result = await run_in_threadpool(runtime.service.ask, question)
    try:
        spoken = await run_in_threadpool(channel.speak, result, fmt="mulaw")
        text, audio_id = spoken.text, spoken.audio_id
    except (SynthesisError, ValueError) as exc:
        logger.error("could not synthesise the answer, falling back to <Say>: %s", exc)
        text, audio_id = speech_text(result.answer, result.language), None
    state = CallState(
        language=result.language,
        text=text,
        audio_id=audio_id,
        sms_body=contacts_sms(result),
    )
    call_sid = str(form.get("CallSid") or "")
    if call_sid:
        get_services(request).calls.put(call_sid, state)
    _play_answer(tw, request, state, channel)
    if result.kind == "no_answer":
        _handoff(tw, request, result.language)
    else:
        _offer_menu(tw, request, result.language)
    return _twiml(tw)


@router.post("/menu")
async def menu(request: Request) -> Response:
    """After an answer: 1 repeat, 2 SMS, 3 another question, 0 a person."""
    async with _checked_form(request) as form:
        return await _menu(request, form)


async def _menu(request: Request, form: FormData) -> Response:
    channel = get_channel(request)
    digits = str(form.get("Digits") or "")
    language = _language(request.query_params.get("lang")) or "fr"
    used, prompts = prompts_for(language)
    state = get_services(request).calls.get(str(form.get("CallSid") or ""))
    tw = TwiML()
    if digits == "0":
        _handoff(tw, request, language)
    elif digits == "3" or state is None:
        tw.redirect(_url(request, "/v1/telephony/language", lang=language))
    elif digits == "1":
        _play_answer(tw, request, state, channel)
        _offer_menu(tw, request, language)
    elif digits == "2":
        settings = _settings(request)
        caller = str(form.get("From") or "")
        sent = False
        if _sms_configured(settings) and caller:
            try:
                await run_in_threadpool(_send_sms, settings, to=caller, body=state.sms_body)
                sent = True
            except VoiceError as exc:
                logger.warning("contacts SMS failed: %s", exc)
        if sent:
            tw.say(prompts.sms_sent, SAY_LANGUAGES[used])
        else:
            tw.say(prompts.sms_failed, SAY_LANGUAGES[used])
            _play_answer(tw, request, state, channel)
        _offer_menu(tw, request, language)
    else:
        tw.say(prompts.goodbye, SAY_LANGUAGES[used])
        tw.hangup()
    return _twiml(tw)
