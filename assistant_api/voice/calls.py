"""The calls in progress on the hotline: each call's last answer, for "repeat" and "SMS".

A call is a sequence of webhooks from the telephony platform, one per step; what the caller was
told lives here between them. Entries expire (a call rarely lasts half an hour) and the book is
bounded, so a flood of fake call ids cannot grow it without limit.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["CALL_TTL_S", "MAX_CALLS", "CallBook", "CallState"]

#: How long a call's last answer is kept for "repeat" and "SMS".
CALL_TTL_S = 30 * 60.0
#: Calls remembered at once; the oldest is forgotten first. A hotline with a few lines never
#: comes near it; it only bounds memory under abuse.
MAX_CALLS = 10_000


@dataclass(frozen=True, slots=True)
class CallState:
    """The last answer given on a call, in the parts the call flow plays.

    ``text`` and ``audio_id`` are the answer's (body and offer); ``texts`` and ``audio_ids``
    hold the other parts by name (``offer``, ``transfer``, ``follow``). A part without audio
    (synthesis failed, or the audio expired) is said with ``<Say>``. ``transfer`` holds the
    emergency numbers offered, ``follow`` whether an emergency has services to hear after,
    ``connect`` the number of a danger described (not happening now) that the offer proposes.
    ``answer_id`` is the assistant's id of the answer (what ``POST /v1/feedback`` names);
    ``conversation_id`` the caller's conversation, so the next recording on the call ("et si
    j'habite à Boudry ?") is read with this one (its last turn is dropped when the caller says
    the read-back of it was wrong).
    """

    language: str
    text: str
    audio_id: str | None
    sms_body: str
    texts: Mapping[str, str] = field(default_factory=dict)
    audio_ids: Mapping[str, str] = field(default_factory=dict)
    transfer: tuple[str, ...] = ()
    follow: bool = False
    connect: str | None = None
    answer_id: str | None = None
    conversation_id: str | None = None

    def part(self, name: str) -> tuple[str, str | None]:
        """The text and audio id of a part (``answer``, ``offer``, ``transfer``, ``follow``,
        ``confirm``)."""
        if name == "answer":
            return self.text, self.audio_id
        return self.texts.get(name, ""), self.audio_ids.get(name)


class CallBook:
    """Thread-safe ``call id → CallState`` with expiry."""

    def __init__(self, *, ttl_s: float = CALL_TTL_S, max_calls: int = MAX_CALLS) -> None:
        if ttl_s <= 0 or max_calls < 1:
            raise ValueError(f"ttl_s must be > 0 and max_calls ≥ 1, got {ttl_s} and {max_calls}")
        self._ttl_s = ttl_s
        self._max_calls = max_calls
        self._calls: OrderedDict[str, tuple[float, CallState]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, call_id: str, state: CallState) -> None:
        with self._lock:
            self._calls.pop(call_id, None)
            self._calls[call_id] = (time.monotonic() + self._ttl_s, state)
            while len(self._calls) > self._max_calls:
                self._calls.popitem(last=False)

    def get(self, call_id: str) -> CallState | None:
        """The call's last answer, or None when unknown or expired."""
        now = time.monotonic()
        with self._lock:
            while self._calls:
                oldest, (expires, _) = next(iter(self._calls.items()))
                if expires > now:
                    break
                del self._calls[oldest]
            entry = self._calls.get(call_id)
            return entry[1] if entry is not None else None

    def __len__(self) -> int:
        with self._lock:
            return len(self._calls)
