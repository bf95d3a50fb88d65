"""The telephone hotline: Twilio-style webhooks driving the call flow's state machine.

Each webhook turns what the platform reports into one event of :mod:`call_flow`, performs
the effects (transcribing and answering a recording, sending an SMS) and renders the actions
of the transition as TwiML. The call's state travels in the action URLs (``s``, ``lang``,
``n`` attempts, ``t`` timeouts); its last answer in the call book (``Services.calls``).

| webhook | event |
|---|---|
| ``POST /v1/telephony/voice`` | a call arrives |
| ``POST /v1/telephony/key`` | a ``<Gather>`` ended: ``Digits``, or none (timeout) |
| ``POST /v1/telephony/recording`` | a ``<Record>`` ended: the recording (or ``Digits=0``) |
| ``POST /v1/telephony/dialed`` | a ``<Dial>`` ended (``DialCallStatus``) |

Webhooks are refused (403) unless they carry a valid ``X-Twilio-Signature`` for the configured
``PERMANENCE_TELEPHONY_TWILIO_AUTH_TOKEN``; with no token they are refused too, unless
``PERMANENCE_TELEPHONY_ALLOW_UNSIGNED`` is set for local testing (never in production).
"""

from __future__ import annotations

import datetime as dt
import logging
import xml.etree.ElementTree as ET
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
from assistant_api.voice.call_flow import (
    STATES,
    Action,
    Call,
    CallContext,
    Dial,
    DialEnded,
    Digit,
    Event,
    Failure,
    Gather,
    Hangup,
    Heard,
    NoInput,
    Play,
    Record,
    Redirect,
    Say,
    SendSms,
    SmsOutcome,
    State,
    Step,
    Target,
    Timeout,
    step,
)
from assistant_api.voice.calls import CallState
from assistant_api.voice.channel import VoiceChannel, answer_language
from assistant_api.voice.errors import AudioRejected, SynthesisError, VoiceError
from assistant_api.voice.handoff import handoff_staffed, spoken_handoff_hours
from assistant_api.voice.media import fetch_recording
from assistant_api.voice.phone_prompts import (
    GREETING,
    MENU_CHOICES,
    MENU_FALLBACK,
    SAY_LANGUAGES,
    chosen_language,
    prompts_for,
    wants_person,
)
from assistant_api.voice.routes import get_channel, voice_domain
from assistant_api.voice.signature import signature_valid
from assistant_api.voice.sms import TwilioSmsSender, contacts_sms
from assistant_api.voice.speech_text import speak_phone
from assistant_api.voice.spoken_answer import Segment, SpokenAnswer, compose_spoken, join_text
from assistant_api.voice.twiml import TwiML
from permanence.settings import Settings

__all__ = ["router"]

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/telephony", tags=["telephony"])

_MEDIA_TIMEOUT_S = 10.0
#: Key of the keypad menu's synthesised audio in the channel's prompt cache.
_MENU_AUDIO = "telephony-menu"


def _settings(request: Request) -> Settings:
    return get_services(request).settings


def _base(request: Request) -> str:
    return (_settings(request).public_base_url or str(request.base_url)).rstrip("/")


def _signed_url(request: Request) -> str:
    base = _settings(request).public_base_url
    if not base:
        return str(request.url)
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{base.rstrip('/')}{request.url.path}{query}"


@asynccontextmanager
async def _checked_form(request: Request) -> AsyncIterator[FormData]:
    """The webhook's form, once the request is known to come from the platform.

    With an auth token, Twilio's signature must be valid (403). Without one, the webhooks are
    closed (403) unless ``allow_unsigned`` opens them for local testing. Uploaded files are
    spooled to temporary files; leaving the block closes them.
    """
    telephony = _settings(request).telephony
    token = telephony.twilio_auth_token
    if token is None and not telephony.allow_unsigned:
        logger.warning("telephony webhook refused: no auth token is configured")
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "the telephone line is not configured: set PERMANENCE_TELEPHONY_TWILIO_AUTH_TOKEN "
            "(or PERMANENCE_TELEPHONY_ALLOW_UNSIGNED=1 for local testing only)",
        )
    form = await request.form()
    try:
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


# ---- state in and out of the webhook URLs ------------------------------------------------


def _int(value: str | None, default: int) -> int:
    try:
        return max(0, int(value)) if value else default
    except ValueError:
        return default


def _state(request: Request) -> State:
    value = request.query_params.get("s", "start")
    for state in STATES:
        if value == state:
            return state
    return "start"


def _context(request: Request, form: FormData) -> CallContext:
    settings = _settings(request)
    language = request.query_params.get("lang")
    call = get_services(request).calls.get(str(form.get("CallSid") or ""))
    number = settings.telephony.handoff_number
    return CallContext(
        language=language if language in SUPPORTED_LANGUAGES else None,
        attempt=_int(request.query_params.get("n"), 1) or 1,
        timeouts=_int(request.query_params.get("t"), 0),
        sms=_sms_configured(settings) and bool(form.get("From")) and call is not None,
        handoff_number=number,
        handoff_staffed=handoff_staffed(
            number, settings.telephony.handoff_hours, dt.datetime.now(dt.UTC)
        ),
        transfer=call.transfer if call is not None else (),
        follow=call.follow if call is not None else False,
    )


def _url(request: Request, target: Target, ctx: CallContext) -> str:
    query: dict[str, str | int] = {"s": target.state}
    if ctx.language:
        query["lang"] = ctx.language
    if ctx.attempt > 1:
        query["n"] = ctx.attempt
    if ctx.timeouts:
        query["t"] = ctx.timeouts
    return f"{_base(request)}/v1/telephony/{target.webhook}?{urlencode(query)}"


# ---- rendering the actions -------------------------------------------------------------


def _say_text(request: Request, action: Say) -> tuple[str, str]:
    """The prompt's text and the platform voice's language tag."""
    if action.prompt == "greeting":
        return GREETING, SAY_LANGUAGES["fr"]
    used, prompts = prompts_for(action.language)
    template: str = getattr(prompts, action.prompt)
    number = speak_phone(action.number, used) if action.number else ""
    hours = ""
    if action.prompt == "queue":
        settings = _settings(request).telephony
        when = (
            spoken_handoff_hours(settings.handoff_hours, used) if settings.handoff_number else None
        )
        hours = prompts.queue_hours.format(when=when) if when else ""
    return template.format(number=number, hours=hours), SAY_LANGUAGES[used]


def _menu_audio(channel: VoiceChannel) -> str | None:
    """The keypad menu, each choice in its own voice, synthesised once (id in the store)."""
    try:
        return channel.prompt_audio(
            _MENU_AUDIO,
            lambda: channel.synthesizer.synthesize_parts(MENU_CHOICES, fmt="mulaw"),
        )
    except (SynthesisError, ValueError) as exc:
        logger.error("could not synthesise the keypad menu, falling back to <Say>: %s", exc)
        return None


class _Renderer:
    """Turns call-flow actions into TwiML for one webhook response."""

    def __init__(self, request: Request, ctx: CallContext, call: CallState | None) -> None:
        self.request = request
        self.ctx = ctx
        self.call = call
        self.channel = get_channel(request)
        self.tw = TwiML()

    def _play(self, action: Play, parent: ET.Element | None) -> None:
        if action.part == "menu":
            audio_id = _menu_audio(self.channel)
            if audio_id is not None:
                self.tw.play(self._audio_url(audio_id), parent=parent)
            else:
                self.tw.say(MENU_FALLBACK, SAY_LANGUAGES["fr"], parent=parent)
            return
        if self.call is None:  # the call book forgot the answer (expired, another replica)
            used, prompts = prompts_for(self.ctx.lang)
            self.tw.say(prompts.not_understood, SAY_LANGUAGES[used], parent=parent)
            return
        text, audio_id = self.call.part(action.part)
        if audio_id is not None and self.channel.store.get(audio_id) is not None:
            self.tw.play(self._audio_url(audio_id), parent=parent)
        elif text:
            self.tw.say(text, SAY_LANGUAGES.get(self.call.language), parent=parent)

    def _audio_url(self, audio_id: str) -> str:
        return f"{_base(self.request)}/v1/voice/audio/{audio_id}.wav"

    def _child(self, action: Say | Play, parent: ET.Element | None = None) -> None:
        if isinstance(action, Say):
            text, tag = _say_text(self.request, action)
            self.tw.say(text, tag, parent=parent)
        else:
            self._play(action, parent)

    def render(self, actions: tuple[Action, ...]) -> Response:
        for action in actions:
            match action:
                case Say() | Play():
                    self._child(action)
                case Gather(target, children, timeout):
                    gather = self.tw.gather(_url(self.request, target, self.ctx), timeout=timeout)
                    for child in children:
                        self._child(child, gather)
                case Record(target):
                    self.tw.record(
                        _url(self.request, target, self.ctx),
                        max_length=int(_settings(self.request).voice.max_seconds),
                    )
                case Dial(number, target):
                    self.tw.dial(number, action=_url(self.request, target, self.ctx))
                case Redirect(target):
                    self.tw.redirect(_url(self.request, target, self.ctx))
                case Hangup():
                    self.tw.hangup()
                case SendSms():  # performed before rendering (_perform)
                    pass
        return Response(content=self.tw.render(), media_type="application/xml")


async def _perform(request: Request, form: FormData, state: State, transition: Step) -> Step:
    """Carry out the transition's effects; the transition that follows them."""
    if transition.actions != (SendSms(),):
        return transition
    settings = _settings(request)
    call = get_services(request).calls.get(str(form.get("CallSid") or ""))
    caller = str(form.get("From") or "")
    sent = False
    if call is not None and caller:
        try:
            await run_in_threadpool(_send_sms, settings, to=caller, body=call.sms_body)
            sent = True
        except VoiceError as exc:
            logger.warning("contacts SMS failed: %s", exc)
    return step(state, SmsOutcome(sent), transition.context)


async def _respond(request: Request, form: FormData, event: Event) -> Response:
    state = _state(request)
    ctx = _context(request, form)
    transition = await _perform(request, form, state, step(state, event, ctx))
    call = get_services(request).calls.get(str(form.get("CallSid") or ""))
    logger.info("call step %s --%s--> %s", state, type(event).__name__, transition.state)
    return _Renderer(request, transition.context, call).render(transition.actions)


# ---- webhooks -------------------------------------------------------------------------


@router.post("/voice")
async def incoming_call(request: Request) -> Response:
    """A new call: greeting and keypad menu (barge-in), then the caller speaks."""
    async with _checked_form(request) as form:
        return await _respond(request, form, Call())


@router.post("/key")
async def key(request: Request) -> Response:
    """A ``<Gather>`` ended: the key pressed, or none."""
    async with _checked_form(request) as form:
        digits = str(form.get("Digits") or "")
        return await _respond(request, form, Digit(digits[:1]) if digits else Timeout())


@router.post("/dialed")
async def dialed(request: Request) -> Response:
    """A ``<Dial>`` ended: connected and finished, or busy, failed, not answered."""
    async with _checked_form(request) as form:
        completed = str(form.get("DialCallStatus") or "") in {"completed", "answered"}
        return await _respond(request, form, DialEnded(completed))


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
    """A recording ended: transcribe it, then answer, choose the language, or hand off."""
    async with _checked_form(request) as form:
        if str(form.get("Digits") or "") == "0":
            return await _respond(request, form, Digit("0"))
        return await _respond(request, form, await _hear(request, form))


async def _hear(request: Request, form: FormData) -> Event:
    """What the recording was: a question (answered and stored), a language, a person…"""
    channel = get_channel(request)
    language = _context(request, form).language
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
    question = AskRequest(
        question=transcript.text[: services.settings.limits.max_question_chars],
        language=answer_language(language, transcript.language),
    )
    result = await run_in_threadpool(services.runtime.service.ask, question)
    domain = voice_domain(request)
    sms = _sms_configured(services.settings) and bool(form.get("From"))
    spoken = compose_spoken(
        result,
        channel="phone",
        categories=domain.card_categories(result, transcript.text),
        does=domain.card_does(result),
        sms=sms,
    )
    call = await run_in_threadpool(_synthesise_call, channel, spoken, contacts_sms(result))
    call_sid = str(form.get("CallSid") or "")
    if call_sid:
        services.calls.put(call_sid, call)
    return Heard("question", result.language, answer_kind=result.kind)


def _synthesise_call(channel: VoiceChannel, spoken: SpokenAnswer, sms_body: str) -> CallState:
    """The call's answer in its parts, synthesised as 8 kHz mu-law (text only on failure)."""
    parts: dict[str, tuple[Segment, ...]] = {
        "answer": spoken.body + spoken.offer,
        "offer": spoken.menu,
    }
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
    )
