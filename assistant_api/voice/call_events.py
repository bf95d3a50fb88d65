"""What the call flow is made of: its states, the events a call can bring, and the context
it carries from one webhook to the next.

Split from the transitions (:mod:`~assistant_api.voice.call_flow`) so that the webhooks
(which turn platform requests into these events) and the tests can name them without the
rules, and so each file stays one thing to read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "EVENTS",
    "STATES",
    "Call",
    "CallContext",
    "DialEnded",
    "Digit",
    "Event",
    "Failure",
    "Heard",
    "NoInput",
    "SmsOutcome",
    "State",
    "Timeout",
]

State = Literal[
    "start", "menu", "ask", "confirm", "answered", "emergency", "transfer", "queue", "ended"
]
STATES: tuple[State, ...] = (
    "start",
    "menu",
    "ask",
    "confirm",
    "answered",
    "emergency",
    "transfer",
    "queue",
    "ended",
)


# ---- events -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Call:
    """A call arrived."""


@dataclass(frozen=True, slots=True)
class Digit:
    """The caller pressed ``key`` (during a ``<Gather>``, or ended a recording with it)."""

    key: str


@dataclass(frozen=True, slots=True)
class Timeout:
    """A ``<Gather>`` ended without a key."""


@dataclass(frozen=True, slots=True)
class NoInput:
    """A recording held nothing usable (silence, noise, too short)."""


@dataclass(frozen=True, slots=True)
class Heard:
    """A recording was understood: a ``question`` (answered, of ``answer_kind``), the name of a
    ``language``, or a request for a ``person``. ``language`` is the one to go on in.
    ``confirm``: the recognition was a guess, so what was understood is read back first."""

    kind: Literal["question", "language", "person"]
    language: str
    answer_kind: str | None = None
    confirm: bool = False


@dataclass(frozen=True, slots=True)
class SmsOutcome:
    sent: bool


@dataclass(frozen=True, slots=True)
class DialEnded:
    """A ``<Dial>`` ended; ``completed`` when someone answered."""

    completed: bool


@dataclass(frozen=True, slots=True)
class Failure:
    """Speech recognition is unavailable for this call."""


Event = Call | Digit | Timeout | NoInput | Heard | SmsOutcome | DialEnded | Failure
EVENTS: tuple[type, ...] = (
    Call,
    Digit,
    Timeout,
    NoInput,
    Heard,
    SmsOutcome,
    DialEnded,
    Failure,
)


@dataclass(frozen=True, slots=True)
class CallContext:
    """What the flow knows about the call.

    ``language`` is the caller's (``None`` until chosen or heard); ``attempt`` counts unusable
    recordings in a row, ``timeouts`` offers without a key in a row. ``transfer`` holds the
    emergency numbers of the last answer, ``follow`` whether it has services after them;
    ``connect`` the number of a danger the last answer described without it happening now
    (violence at home: 117), which the offer after the answer proposes to dial.
    """

    language: str | None = None
    attempt: int = 1
    timeouts: int = 0
    sms: bool = False
    handoff_number: str | None = None
    handoff_staffed: bool = False
    transfer: tuple[str, ...] = ()
    follow: bool = False
    connect: str | None = None

    @property
    def lang(self) -> str:
        return self.language or "fr"
