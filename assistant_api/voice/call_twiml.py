"""The call flow's abstract actions rendered as TwiML for one webhook response.

The transitions (:mod:`~assistant_api.voice.call_flow`) say *what* to play; this decides
*how*: a prompt as ``<Say>`` in the platform voice of its language, the keypad menu and the
answers as ``<Play>`` of audio synthesised by espeak-ng (each language in its own voice), and
``<Say>`` of the same text whenever that audio is missing — a caller always hears something.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET

from fastapi import Request
from fastapi.responses import Response

from assistant_api.http.deps import get_services
from assistant_api.voice.call_actions import (
    Action,
    Dial,
    DiscardAnswer,
    Gather,
    Hangup,
    Play,
    Record,
    Redirect,
    Say,
    SendSms,
)
from assistant_api.voice.call_events import CallContext
from assistant_api.voice.call_urls import base_url, webhook_url
from assistant_api.voice.calls import CallState
from assistant_api.voice.channel import VoiceChannel
from assistant_api.voice.errors import SynthesisError
from assistant_api.voice.handoff import spoken_handoff_hours
from assistant_api.voice.phone_prompts import (
    GREETING,
    MENU_CHOICES,
    MENU_FALLBACK,
    SAY_LANGUAGES,
    prompts_for,
)
from assistant_api.voice.routes import get_channel
from assistant_api.voice.speech_text import speak_phone
from assistant_api.voice.twiml import TwiML

__all__ = ["MENU_AUDIO", "CallRenderer", "say_text"]

logger = logging.getLogger(__name__)

#: Key of the keypad menu's synthesised audio in the channel's prompt cache.
MENU_AUDIO = "telephony-menu"


def say_text(request: Request, action: Say) -> tuple[str, str]:
    """The prompt's text and the platform voice's language tag."""
    if action.prompt == "greeting":
        return GREETING, SAY_LANGUAGES["fr"]
    used, prompts = prompts_for(action.language)
    template: str = getattr(prompts, action.prompt)
    number = speak_phone(action.number, used) if action.number else ""
    hours = ""
    if action.prompt == "queue":
        telephony = get_services(request).settings.telephony
        when = (
            spoken_handoff_hours(telephony.handoff_hours, used)
            if telephony.handoff_number
            else None
        )
        hours = prompts.queue_hours.format(when=when) if when else ""
    return template.format(number=number, hours=hours), SAY_LANGUAGES[used]


def _menu_audio(channel: VoiceChannel) -> str | None:
    """The keypad menu, each choice in its own voice, synthesised once (id in the store)."""
    try:
        return channel.prompt_audio(
            MENU_AUDIO,
            lambda: channel.synthesizer.synthesize_parts(MENU_CHOICES, fmt="mulaw"),
        )
    except (SynthesisError, ValueError) as exc:
        logger.error("could not synthesise the keypad menu, falling back to <Say>: %s", exc)
        return None


class CallRenderer:
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
        return f"{base_url(self.request)}/v1/voice/audio/{audio_id}.wav"

    def _child(self, action: Say | Play, parent: ET.Element | None = None) -> None:
        if isinstance(action, Say):
            text, tag = say_text(self.request, action)
            self.tw.say(text, tag, parent=parent)
        else:
            self._play(action, parent)

    def render(self, actions: tuple[Action, ...]) -> Response:
        """The TwiML document of ``actions`` (:class:`SendSms` is performed before)."""
        request, ctx = self.request, self.ctx
        for action in actions:
            match action:
                case Say() | Play():
                    self._child(action)
                case Gather(target, children, timeout):
                    gather = self.tw.gather(webhook_url(request, target, ctx), timeout=timeout)
                    for child in children:
                        self._child(child, gather)
                case Record(target):
                    self.tw.record(
                        webhook_url(request, target, ctx),
                        max_length=int(get_services(request).settings.voice.max_seconds),
                    )
                case Dial(number, target):
                    self.tw.dial(number, action=webhook_url(request, target, ctx))
                case Redirect(target):
                    self.tw.redirect(webhook_url(request, target, ctx))
                case Hangup():
                    self.tw.hangup()
                case SendSms() | DiscardAnswer():  # effects: performed before (telephony._perform)
                    pass
        return Response(content=self.tw.render(), media_type="application/xml")
