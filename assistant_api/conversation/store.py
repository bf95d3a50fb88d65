"""Conversations kept in the server: bounded in time and size, redacted, never shared.

A social permanence remembers what was said a minute ago; a public service must also forget it.
A conversation lives in memory only (never on disk), for ``IDLE_TTL_S`` after its last turn,
keeps its last ``MAX_TURNS`` turns, and the store keeps at most ``MAX_CONVERSATIONS`` (the least
recently used goes first). Its id is 128 random bits. It is bound to the audience it was opened
in: a public request never reads a professional conversation, and the other way round. What is
kept of a question is its redacted text (the analytics redactor), the language, the commune and
the kind of answer it got, and an age or permit kind the person gave (never the permit number).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Literal

from assistant_api.conversation.eligibility import PermitStatus

__all__ = [
    "IDLE_TTL_S",
    "MAX_CONVERSATIONS",
    "MAX_TURNS",
    "Conversation",
    "ConversationStore",
    "Turn",
]

Audience = Literal["public", "professional"]

#: A conversation is forgotten half an hour after its last turn (the privacy notice says so).
IDLE_TTL_S = 30 * 60.0
#: Turns kept per conversation: the need, a commune, two questions about the doors named.
MAX_TURNS = 6
#: Conversations kept at once; bounds memory under abuse (each is a few kilobytes).
MAX_CONVERSATIONS = 20_000


@dataclass(frozen=True, slots=True)
class Turn:
    """One question of a conversation, as kept: redacted text and what the answer was about."""

    question: str
    """The redacted question as asked."""
    need: str
    """The redacted question the answer was for (a commune follow-up answers the earlier need)."""
    language: str
    commune: str | None
    kind: str
    institution_ids: tuple[str, ...] = ()
    asked_commune: bool = False
    """Whether the answer asked where the person lives (the door depends on it)."""
    asked: frozenset[str] = frozenset()
    """Every clarification asked so far in the conversation (each is asked once)."""
    age: int | None = None
    """The age the person gave, carried to the later turns."""
    permit: PermitStatus | None = None
    """What the residence permit the person named means for the door (``asylum``/``settled``)."""
    focus: str | None = None
    """The door the last question was about ("the other one" is another)."""


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    audience: Audience
    turns: tuple[Turn, ...] = field(default_factory=tuple)

    @property
    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None


class ConversationStore:
    """Thread-safe, in-memory, expiring conversations."""

    def __init__(
        self,
        *,
        idle_ttl_s: float = IDLE_TTL_S,
        max_turns: int = MAX_TURNS,
        max_conversations: int = MAX_CONVERSATIONS,
    ) -> None:
        if idle_ttl_s <= 0 or max_turns < 1 or max_conversations < 1:
            raise ValueError(
                "idle_ttl_s must be > 0, max_turns and max_conversations ≥ 1; got "
                f"{idle_ttl_s}, {max_turns}, {max_conversations}"
            )
        self._ttl = idle_ttl_s
        self._max_turns = max_turns
        self._max = max_conversations
        self._items: OrderedDict[str, tuple[float, Conversation]] = OrderedDict()
        self._lock = threading.Lock()

    def open(self, audience: Audience) -> Conversation:
        """A new, empty conversation with an unguessable id."""
        conversation = Conversation(id=secrets.token_urlsafe(16), audience=audience)
        with self._lock:
            self._put(conversation)
        return conversation

    def get(self, conversation_id: str, audience: Audience) -> Conversation | None:
        """The conversation, or None when unknown, expired, or opened in another audience."""
        with self._lock:
            self._expire()
            entry = self._items.get(conversation_id)
            if entry is None or entry[1].audience != audience:
                return None
            return entry[1]

    def append(self, conversation: Conversation, turn: Turn) -> Conversation:
        """Add ``turn`` (keeping the last turns only) and refresh the idle deadline."""
        turns = (*conversation.turns, turn)[-self._max_turns :]
        updated = replace(conversation, turns=turns)
        with self._lock:
            self._put(updated)
        return updated

    def drop_last(self, conversation_id: str, audience: Audience) -> bool:
        """Forget the last turn (a caller said the read-back of it was wrong), so the question
        asked again is not read as its follow-up; False when there was none to forget."""
        with self._lock:
            entry = self._items.get(conversation_id)
            if entry is None or entry[1].audience != audience or not entry[1].turns:
                return False
            self._put(replace(entry[1], turns=entry[1].turns[:-1]))
            return True

    def delete(self, conversation_id: str, audience: Audience) -> bool:
        """Forget a conversation; False when there was none for this audience."""
        with self._lock:
            entry = self._items.get(conversation_id)
            if entry is None or entry[1].audience != audience:
                return False
            del self._items[conversation_id]
            return True

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._items)

    def _put(self, conversation: Conversation) -> None:
        self._items.pop(conversation.id, None)
        self._items[conversation.id] = (time.monotonic() + self._ttl, conversation)
        self._expire()
        while len(self._items) > self._max:
            self._items.popitem(last=False)

    def _expire(self) -> None:
        now = time.monotonic()
        while self._items:
            oldest, (deadline, _) = next(iter(self._items.items()))
            if deadline > now:
                break
            del self._items[oldest]
