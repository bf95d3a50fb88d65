"""A call's state in and out of the webhook URLs (``?s=…&lang=…&n=…&t=…``).

The platform calls back the URL the last TwiML named, so the state machine's state, the
caller's language and the counters travel there; the last answer (its emergency numbers,
whether it has services after them) lives in the call book, keyed by ``CallSid``. No other
state is kept between webhooks, which is why a replica restart loses nothing but the answer.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from fastapi import Request
from starlette.datastructures import FormData

from assistant_api.http.deps import get_services
from assistant_api.triage.language import SUPPORTED_LANGUAGES
from assistant_api.voice.call_actions import Target
from assistant_api.voice.call_events import STATES, CallContext, State
from assistant_api.voice.handoff import handoff_staffed
from assistant_api.voice.sms import sms_configured

__all__ = ["base_url", "call_context", "call_state", "webhook_url"]


def base_url(request: Request) -> str:
    """Where the platform reaches this app (the public base URL behind a proxy)."""
    settings = get_services(request).settings
    return (settings.public_base_url or str(request.base_url)).rstrip("/")


def _int(value: str | None, default: int) -> int:
    try:
        return max(0, int(value)) if value else default
    except ValueError:
        return default


def call_state(request: Request) -> State:
    """The state the call is in (``start`` when the URL names none or an unknown one)."""
    value = request.query_params.get("s", "start")
    for state in STATES:
        if value == state:
            return state
    return "start"


def call_context(request: Request, form: FormData) -> CallContext:
    """What the flow knows about the call: the URL's counters, the call book's last answer,
    and whether SMS and a staffed hand-off are available right now."""
    services = get_services(request)
    telephony = services.settings.telephony
    language = request.query_params.get("lang")
    call = services.calls.get(str(form.get("CallSid") or ""))
    number = telephony.handoff_number
    return CallContext(
        language=language if language in SUPPORTED_LANGUAGES else None,
        attempt=_int(request.query_params.get("n"), 1) or 1,
        timeouts=_int(request.query_params.get("t"), 0),
        sms=sms_configured(telephony) and bool(form.get("From")) and call is not None,
        handoff_number=number,
        handoff_staffed=handoff_staffed(number, telephony.handoff_hours, dt.datetime.now(dt.UTC)),
        transfer=call.transfer if call is not None else (),
        follow=call.follow if call is not None else False,
        connect=call.connect if call is not None else None,
    )


def webhook_url(request: Request, target: Target, ctx: CallContext) -> str:
    """The webhook ``target`` names, with the call's state in its query."""
    query: dict[str, str | int] = {"s": target.state}
    if ctx.language:
        query["lang"] = ctx.language
    if ctx.attempt > 1:
        query["n"] = ctx.attempt
    if ctx.timeouts:
        query["t"] = ctx.timeouts
    return f"{base_url(request)}/v1/telephony/{target.webhook}?{urlencode(query)}"
