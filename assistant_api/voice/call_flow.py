"""The hotline's call flow as an explicit state machine: states, events, transitions, actions.

Pure: :func:`step` takes the state a call is in, what just happened and the call's context, and
returns the next state with the actions to play (abstract TwiML verbs). The states, events and
context are :mod:`~assistant_api.voice.call_events`, the actions
:mod:`~assistant_api.voice.call_actions`; this module holds only the rules. ``telephony.py``
turns webhooks into events, performs the effects (sending an SMS) and renders the actions
(``call_twiml.py``); the state travels in the webhook URLs (``?s=…&lang=…&n=…&t=…``), the last
answer in the call book.

::

    start ──call──► menu ──digit 1-6 / said a language──► ask ──speech──► answered
                     │  ╲──speech (any language)──────────────────────────► answered
                     │   ╲─speech, a guess──► confirm ──1 / no key──► answered
                     │                           └──3──► ask (the answer discarded)
                     │   ╲─speech, emergency──► emergency ──1..3 / no key──► <Dial> 144…
                     │                              └──9──► answered (services after)
    answered (a danger described, not now) ──4──► <Dial> 117 ──failed──► answered
       "0" anywhere, or "a person please", or 2 recordings unusable ──► handoff:
            staffed now ──► transfer (<Dial> the hand-off number) ──failed──► queue
            nobody      ──► queue (hours, 144, 143: press 1; 3 or no key: another question)

Rules it keeps (issue #21): at most two prompts before the caller can speak (greeting, menu,
then the recording starts); every prompt that offers keys is inside a ``<Gather>`` so a key
interrupts it (barge-in); "0" always reaches the hand-off, which is a queue message with the
staffed hours when nobody can answer — never a hang-up; an emergency offers the transfer
(``<Dial>``) before anything else, and staying on the line connects; an invalid key hears the
menu again. After an answer that describes a danger not happening now (violence at home),
the offer proposes to be connected to its number (117) first, and only its key dials it.
When the recognition was a guess (the transcript matcher replaced a word, or Whisper was
unsure), what was understood is read back before the answer ("I understood: rent,
Fleurier"): staying on the line or 1 hears the answer, 3 says the question again. An
emergency is never held back by a read-back.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

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
    Step,
    Target,
)
from assistant_api.voice.call_events import (
    Call,
    CallContext,
    DialEnded,
    Digit,
    Event,
    Failure,
    Heard,
    NoInput,
    SmsOutcome,
    State,
    Timeout,
)
from assistant_api.voice.spoken_answer import (
    CONNECT_KEY,
    MAX_TRANSFER_NUMBERS,
    MORE_KEY,
    OFFER_KEYS,
)

__all__ = [
    "LANGUAGE_KEYS",
    "MAX_ATTEMPTS",
    "MAX_TIMEOUTS",
    "QUEUE_LINE",
    "step",
]

#: Keypad digit → language of the menu.
LANGUAGE_KEYS: dict[str, str] = {"1": "fr", "2": "de", "3": "it", "4": "en", "5": "pt", "6": "es"}
#: Unusable recordings in a row before the caller is handed off.
MAX_ATTEMPTS = 2
#: Offers heard without a key in a row before the call ends with a goodbye.
MAX_TIMEOUTS = 2
#: Who answers day and night when nobody staffs the hand-off (La Main Tendue).
QUEUE_LINE = "143"
#: Seconds a ``<Gather>`` waits for a key after its prompt.
MENU_TIMEOUT_S = 3
OFFER_TIMEOUT_S = 6
EMERGENCY_TIMEOUT_S = 5
QUEUE_TIMEOUT_S = 6
#: Keys of the queue message.
QUEUE_DIAL_KEY = "1"
QUEUE_ASK_KEY = OFFER_KEYS["another"]
PERSON_KEY = OFFER_KEYS["person"]
#: Keys of the read-back: it was right (staying on the line means the same), or say it again.
CONFIRM_YES_KEY = "1"
CONFIRM_AGAIN_KEY = OFFER_KEYS["another"]
#: Seconds the read-back waits for a key before the answer is played.
CONFIRM_TIMEOUT_S = 4


# ---- transitions ------------------------------------------------------------------------


def _menu(ctx: CallContext, *, greeting: bool, before: tuple[Action, ...] = ()) -> Step:
    """Greeting (first time), the keypad menu, then the recording: two prompts at most."""
    children: tuple[Say | Play, ...] = (
        (Say("greeting", "fr"), Play("menu")) if greeting else (Play("menu"),)
    )
    return Step(
        "menu",
        ctx,
        (
            *before,
            Gather(Target("key", "menu"), children, MENU_TIMEOUT_S),
            Record(Target("recording", "menu")),
        ),
    )


def _ask(ctx: CallContext, *, before: tuple[Action, ...] = ()) -> Step:
    return Step("ask", ctx, (*before, Say("ask", ctx.lang), Record(Target("recording", "ask"))))


def _offer(
    ctx: CallContext, part: Literal["answer", "offer", "follow"], *, before: tuple[Action, ...] = ()
) -> Step:
    target = Target("key", "answered")
    return Step(
        "answered",
        ctx,
        (*before, Gather(target, (Play(part),), OFFER_TIMEOUT_S), Redirect(target)),
    )


def _emergency(
    ctx: CallContext, *, part: Literal["answer", "transfer"], before: tuple[Action, ...] = ()
) -> Step:
    target = Target("key", "emergency")
    return Step(
        "emergency",
        ctx,
        (
            *before,
            Gather(target, (Play(part),), EMERGENCY_TIMEOUT_S),
            Dial(ctx.transfer[0], Target("dialed", "emergency")),
        ),
    )


def _confirm(ctx: CallContext, *, before: tuple[Action, ...] = ()) -> Step:
    """What was understood, read back; no key means it was right (the answer follows)."""
    target = Target("key", "confirm")
    return Step(
        "confirm",
        ctx,
        (*before, Gather(target, (Play("confirm"),), CONFIRM_TIMEOUT_S), Redirect(target)),
    )


def _queue(ctx: CallContext, *, before: tuple[Action, ...] = ()) -> Step:
    """Nobody can take the call now: say when someone can, and what can be done meanwhile."""
    target = Target("key", "queue")
    return Step(
        "queue",
        ctx,
        (
            *before,
            Gather(target, (Say("queue", ctx.lang),), QUEUE_TIMEOUT_S),
            Redirect(target),
        ),
    )


def _handoff(ctx: CallContext, *, before: tuple[Action, ...] = ()) -> Step:
    ctx = replace(ctx, attempt=1, timeouts=0)
    if ctx.handoff_staffed and ctx.handoff_number:
        return Step(
            "transfer",
            ctx,
            (
                *before,
                Say("handoff", ctx.lang, number=ctx.handoff_number),
                Dial(ctx.handoff_number, Target("dialed", "transfer")),
            ),
        )
    return _queue(ctx, before=before)


def _goodbye(ctx: CallContext) -> Step:
    return Step("ended", ctx, (Say("goodbye", ctx.lang), Hangup()))


def _heard(ctx: CallContext, event: Heard) -> Step:
    ctx = replace(ctx, language=event.language, attempt=1, timeouts=0)
    if event.kind == "person":
        return _handoff(ctx)
    if event.kind == "language":
        return _ask(ctx)
    if event.answer_kind == "emergency" and ctx.transfer:
        return _emergency(ctx, part="answer")
    if event.confirm and event.answer_kind != "emergency":
        return _confirm(ctx)
    return _offer(ctx, "answer")


def _not_heard(state: State, ctx: CallContext) -> Step:
    """A recording without a usable question: try again once, then a person."""
    if ctx.attempt >= MAX_ATTEMPTS:
        return _handoff(ctx)
    ctx = replace(ctx, attempt=ctx.attempt + 1)
    again = (Say("not_understood", ctx.lang),)
    if state == "menu":
        return _menu(ctx, greeting=False, before=again)
    return _ask(ctx, before=again)


def _from_menu(ctx: CallContext, event: Event) -> Step:
    match event:
        case Digit(key) if key == PERSON_KEY:
            return _handoff(ctx)
        case Digit(key) if key in LANGUAGE_KEYS:
            return _ask(replace(ctx, language=LANGUAGE_KEYS[key]))
        case Digit():
            return _menu(ctx, greeting=False, before=(Say("invalid_key", ctx.lang),))
        case NoInput():
            return _not_heard("menu", ctx)
        case Failure():
            return _handoff(ctx, before=(Say("unavailable", ctx.lang),))
        case _:
            return _menu(ctx, greeting=False)


def _from_ask(ctx: CallContext, event: Event) -> Step:
    match event:
        case Digit(key) if key == PERSON_KEY:
            return _handoff(ctx)
        case NoInput() | Timeout():
            return _not_heard("ask", ctx)
        case Failure():
            return _handoff(ctx, before=(Say("unavailable", ctx.lang),))
        case _:
            return _ask(ctx)


def _from_confirm(ctx: CallContext, event: Event) -> Step:
    match event:
        case Digit(key) if key == CONFIRM_YES_KEY:
            return _offer(ctx, "answer")
        case Timeout():
            return _offer(ctx, "answer")
        case Digit(key) if key == CONFIRM_AGAIN_KEY:
            return _ask(replace(ctx, attempt=1), before=(DiscardAnswer(),))
        case Digit(key) if key == PERSON_KEY:
            return _handoff(ctx)
        case Digit():
            return _confirm(ctx, before=(Say("invalid_key", ctx.lang),))
        case _:
            return _confirm(ctx)


def _from_answered(ctx: CallContext, event: Event) -> Step:
    fresh = replace(ctx, timeouts=0)
    match event:
        case Digit(key) if key == OFFER_KEYS["repeat"]:
            return _offer(fresh, "answer")
        case Digit(key) if key == OFFER_KEYS["sms"] and ctx.sms:
            return Step("answered", fresh, (SendSms(),))
        case Digit(key) if key == OFFER_KEYS["another"]:
            return _ask(fresh)
        case Digit(key) if key == PERSON_KEY:
            return _handoff(fresh)
        case Digit(key) if key == CONNECT_KEY and ctx.connect:
            return Step(
                "answered",
                fresh,
                (
                    Say("connecting", ctx.lang, number=ctx.connect),
                    Dial(ctx.connect, Target("dialed", "answered")),
                ),
            )
        case Digit():
            return _offer(fresh, "offer", before=(Say("invalid_key", ctx.lang),))
        case SmsOutcome(sent):
            said = Say("sms_sent" if sent else "sms_failed", ctx.lang)
            return _offer(fresh, "offer", before=(said,))
        case Timeout() if ctx.timeouts + 1 >= MAX_TIMEOUTS:
            return _goodbye(ctx)
        case Timeout():
            return _offer(replace(ctx, timeouts=ctx.timeouts + 1), "offer")
        case DialEnded(completed) if completed:
            return _goodbye(ctx)
        case DialEnded() if ctx.connect:
            failed = Say("dial_failed", ctx.lang, number=ctx.connect)
            return _offer(fresh, "offer", before=(failed,))
        case _:
            return _offer(fresh, "offer")


def _from_emergency(ctx: CallContext, event: Event) -> Step:
    if not ctx.transfer:  # the call book forgot the answer: the offer is all that is left
        return _from_answered(ctx, event)
    numbers = ctx.transfer[:MAX_TRANSFER_NUMBERS]
    keys = {str(i): n for i, n in enumerate(numbers, start=1)}
    match event:
        case Digit(key) if key in keys:
            number = keys[key]
            return Step(
                "emergency",
                ctx,
                (
                    Say("connecting", ctx.lang, number=number),
                    Dial(number, Target("dialed", "emergency")),
                ),
            )
        case Digit(key) if key == MORE_KEY and ctx.follow:
            return _offer(ctx, "follow")
        case Digit(key) if key == PERSON_KEY:
            return _handoff(ctx)
        case Digit():
            return _emergency(ctx, part="transfer", before=(Say("invalid_key", ctx.lang),))
        case Timeout():
            return Step(
                "emergency",
                ctx,
                (
                    Say("connecting", ctx.lang, number=numbers[0]),
                    Dial(numbers[0], Target("dialed", "emergency")),
                ),
            )
        case DialEnded(completed) if completed:
            return _goodbye(ctx)
        case DialEnded():
            return _offer(ctx, "offer", before=(Say("dial_failed", ctx.lang, number=numbers[0]),))
        case _:
            return _emergency(ctx, part="transfer")


def _from_transfer(ctx: CallContext, event: Event) -> Step:
    match event:
        case DialEnded(completed) if completed:
            return _goodbye(ctx)
        case DialEnded():
            return _queue(replace(ctx, handoff_staffed=False))
        case _:
            return _handoff(ctx)


def _from_queue(ctx: CallContext, event: Event) -> Step:
    match event:
        case Digit(key) if key == QUEUE_DIAL_KEY:
            return Step(
                "queue",
                ctx,
                (
                    Say("connecting", ctx.lang, number=QUEUE_LINE),
                    Dial(QUEUE_LINE, Target("dialed", "queue")),
                ),
            )
        case Digit(key) if key == QUEUE_ASK_KEY:
            return _ask(replace(ctx, timeouts=0))
        case Digit(key) if key == PERSON_KEY:
            return _handoff(ctx)
        case Digit():
            return _queue(ctx, before=(Say("invalid_key", ctx.lang),))
        case Timeout() if ctx.timeouts + 1 >= MAX_TIMEOUTS:
            return _goodbye(ctx)
        case Timeout():
            return _ask(replace(ctx, timeouts=ctx.timeouts + 1))
        case DialEnded(completed) if completed:
            return _goodbye(ctx)
        case _:
            return _queue(ctx)


def step(state: State, event: Event, context: CallContext) -> Step:
    """The next state and its actions, for every state and every event (total).

    A call arriving and a recording understood mean the same in every state: a heard question
    has been answered (and an emergency's transfer comes first) wherever the call was.
    """
    if isinstance(event, Heard):
        return _heard(context, event)
    if isinstance(event, Call):
        fresh = CallContext(
            sms=context.sms,
            handoff_number=context.handoff_number,
            handoff_staffed=context.handoff_staffed,
        )
        return _menu(fresh, greeting=True)
    match state:
        case "start" | "menu":
            return _from_menu(context, event)
        case "ask":
            return _from_ask(context, event)
        case "confirm":
            return _from_confirm(context, event)
        case "answered":
            return _from_answered(context, event)
        case "emergency":
            return _from_emergency(context, event)
        case "transfer":
            return _from_transfer(context, event)
        case "queue":
            return _from_queue(context, event)
        case "ended":
            if event == Digit(PERSON_KEY):
                return _handoff(context)
            return _goodbye(context)
