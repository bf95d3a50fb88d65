"""What the call flow asks the platform to do: abstract TwiML verbs, and one step's result.

The transitions (:mod:`~assistant_api.voice.call_flow`) return these and stay pure; the
webhooks (:mod:`~assistant_api.voice.call_twiml`) render them as TwiML and perform the one
effect (:class:`SendSms`). Keeping the verbs abstract is what lets every transition be tested
without a platform or XML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from assistant_api.voice.call_events import CallContext, State

__all__ = [
    "Action",
    "Dial",
    "DiscardAnswer",
    "Gather",
    "Hangup",
    "Play",
    "Record",
    "Redirect",
    "Say",
    "SendSms",
    "Step",
    "Target",
]


# ---- actions ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """A webhook to call next: ``key`` (a Gather's result), ``recording`` or ``dialed``."""

    webhook: Literal["key", "recording", "dialed"]
    state: State


@dataclass(frozen=True, slots=True)
class Say:
    """A prompt of ``phone_prompts`` (by field name), in ``language``; ``number`` fills
    ``{number}``."""

    prompt: str
    language: str
    number: str | None = None


@dataclass(frozen=True, slots=True)
class Play:
    """A synthesised part: the keypad ``menu``, or the call's ``answer`` (body and offer; for
    an emergency body and transfer offer), ``offer`` (alone), ``transfer`` (an emergency's
    transfer offer alone), ``follow`` (an emergency's services, then the offer), ``confirm``
    (what was understood, read back, and the keys to confirm it)."""

    part: Literal["menu", "answer", "offer", "transfer", "follow", "confirm"]


@dataclass(frozen=True, slots=True)
class Gather:
    """Keys heard while ``children`` play (barge-in), posted to ``target``."""

    target: Target
    children: tuple[Say | Play, ...]
    timeout: int


@dataclass(frozen=True, slots=True)
class Record:
    target: Target


@dataclass(frozen=True, slots=True)
class Dial:
    number: str
    target: Target


@dataclass(frozen=True, slots=True)
class Redirect:
    """Go on with ``target`` (after a Gather without a key: a :class:`Timeout` there)."""

    target: Target


@dataclass(frozen=True, slots=True)
class Hangup:
    pass


@dataclass(frozen=True, slots=True)
class SendSms:
    """Effect: send the call's contacts by SMS, then step :class:`SmsOutcome`."""


@dataclass(frozen=True, slots=True)
class DiscardAnswer:
    """Effect: the caller said the read-back was wrong; the call's conversation goes back to
    before that answer, so the question said again is not read as a follow-up of a mishearing."""


Action = Say | Play | Gather | Record | Dial | Redirect | Hangup | SendSms | DiscardAnswer


@dataclass(frozen=True, slots=True)
class Step:
    state: State
    context: CallContext
    actions: tuple[Action, ...] = field(default=())
