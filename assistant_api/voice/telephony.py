"""The telephone hotline: Twilio-style webhooks driving the call flow's state machine.

Each webhook turns what the platform reports into one event of :mod:`call_flow`, performs
the effects (transcribing and answering a recording, :mod:`call_answer`; sending an SMS) and
renders the actions of the transition as TwiML (:mod:`call_twiml`). The call's state travels
in the action URLs (``s``, ``lang``, ``n`` attempts, ``t`` timeouts, :mod:`call_urls`); its
last answer in the call book (``Services.calls``).

| webhook | event |
|---|---|
| ``POST /v1/telephony/voice`` | a call arrives |
| ``POST /v1/telephony/key`` | a ``<Gather>`` ended: ``Digits``, or none (timeout) |
| ``POST /v1/telephony/recording`` | a ``<Record>`` ended: the recording (or ``Digits=0``) |
| ``POST /v1/telephony/dialed`` | a ``<Dial>`` ended (``DialCallStatus``) |

Webhooks are refused (403) unless they carry a valid ``X-Twilio-Signature`` for the configured
``PERMANENCE_TELEPHONY_TWILIO_AUTH_TOKEN``; with no token they are refused too, unless
``PERMANENCE_TELEPHONY_ALLOW_UNSIGNED`` is set for local testing (never in production); see
:mod:`webhook_form`.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from assistant_api.http.deps import get_services
from assistant_api.voice.call_actions import DiscardAnswer, SendSms, Step
from assistant_api.voice.call_answer import hear
from assistant_api.voice.call_events import (
    Call,
    DialEnded,
    Digit,
    Event,
    SmsOutcome,
    State,
    Timeout,
)
from assistant_api.voice.call_flow import step
from assistant_api.voice.call_twiml import CallRenderer
from assistant_api.voice.call_urls import call_context, call_state
from assistant_api.voice.errors import VoiceError
from assistant_api.voice.sms import send_contacts_sms
from assistant_api.voice.webhook_form import checked_form

__all__ = ["router"]

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/telephony", tags=["telephony"])


async def _perform(request: Request, form: FormData, state: State, transition: Step) -> Step:
    """Carry out the transition's effects; the transition that follows them."""
    services = get_services(request)
    call_sid = str(form.get("CallSid") or "")
    call = services.calls.get(call_sid)
    if DiscardAnswer() in transition.actions:
        if call is not None and call.conversation_id is not None:
            services.conversations.store.drop_last(call.conversation_id, "public")
        return transition
    if transition.actions != (SendSms(),):
        return transition
    caller = str(form.get("From") or "")
    sent = False
    if call is not None and caller:
        try:
            await run_in_threadpool(
                send_contacts_sms, services.settings.telephony, to=caller, body=call.sms_body
            )
            sent = True
        except VoiceError as exc:
            logger.warning("contacts SMS failed: %s", exc)
    return step(state, SmsOutcome(sent), transition.context)


async def _respond(request: Request, form: FormData, event: Event) -> Response:
    state = call_state(request)
    ctx = call_context(request, form)
    transition = await _perform(request, form, state, step(state, event, ctx))
    call = get_services(request).calls.get(str(form.get("CallSid") or ""))
    logger.info("call step %s --%s--> %s", state, type(event).__name__, transition.state)
    return CallRenderer(request, transition.context, call).render(transition.actions)


@router.post("/voice")
async def incoming_call(request: Request) -> Response:
    """A new call: greeting and keypad menu (barge-in), then the caller speaks."""
    async with checked_form(request) as form:
        return await _respond(request, form, Call())


@router.post("/key")
async def key(request: Request) -> Response:
    """A ``<Gather>`` ended: the key pressed, or none."""
    async with checked_form(request) as form:
        digits = str(form.get("Digits") or "")
        return await _respond(request, form, Digit(digits[:1]) if digits else Timeout())


@router.post("/dialed")
async def dialed(request: Request) -> Response:
    """A ``<Dial>`` ended: connected and finished, or busy, failed, not answered."""
    async with checked_form(request) as form:
        completed = str(form.get("DialCallStatus") or "") in {"completed", "answered"}
        return await _respond(request, form, DialEnded(completed))


@router.post("/recording")
async def recording(request: Request) -> Response:
    """A recording ended: transcribe it, then answer, choose the language, or hand off."""
    async with checked_form(request) as form:
        if str(form.get("Digits") or "") == "0":
            return await _respond(request, form, Digit("0"))
        return await _respond(request, form, await hear(request, form))
