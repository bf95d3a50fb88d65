"""The assistant in a conversation: each question read with the turns before it.

Wraps :class:`~assistant_api.answer.service.AssistantService` without changing it: a follow-up
becomes the question the service is asked ("et si j'habite à Boudry ?" after a rent question is
the rent question, for Boudry), or is answered from the records of the doors just named ("do
they speak Arabic?"). After each answer, when the doors shown are regional offices and no
commune is known, the answer asks where the person lives (``AskResponse.clarification``) — one
question, and only when the commune decides the door.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence

from assistant_api.answer.communes import CommuneDirectory
from assistant_api.answer.service import AssistantService
from assistant_api.conversation.facts import fact_text
from assistant_api.conversation.followup import FollowUp, FollowUpReader
from assistant_api.conversation.lexicon import ConversationLexicon
from assistant_api.conversation.store import Conversation, ConversationStore, Turn
from assistant_api.models import AskRequest, AskResponse, Clarification
from permanence import fold

__all__ = ["MIN_DETECTED_WORDS", "ConversationalAssistant"]

logger = logging.getLogger(__name__)

#: Below this many words a follow-up's language is not detected but carried over: identifiers
#: guess wildly on "Boudry ?" or "I live in Le Locle" (read as Italian on 2026-12-03).
MIN_DETECTED_WORDS = 6
#: Longest question the service is asked when a detail is added to the earlier need.
MAX_NEED_CHARS = 1500
#: How many of an answer's doors a later question may be about.
REMEMBERED_DOORS = 3


class ConversationalAssistant:
    """``ask`` answers a question, alone or as the follow-up of its conversation."""

    def __init__(
        self,
        *,
        service: AssistantService,
        store: ConversationStore,
        communes: CommuneDirectory,
        lexicon: ConversationLexicon,
        reader: FollowUpReader,
        redact: Callable[[str], str],
    ) -> None:
        self._service = service
        self._store = store
        self._communes = communes
        self._lexicon = lexicon
        self._reader = reader
        self._redact = redact

    @property
    def store(self) -> ConversationStore:
        return self._store

    def ask(self, request: AskRequest) -> AskResponse:
        """Answer ``request`` in its conversation (a new one when it names none or an
        expired one), and remember the turn."""
        conversation = self._conversation(request)
        previous = conversation.last
        follow = self._reader.read(request.question, previous) if previous else None
        language = self._language(request, previous)
        if previous is not None and follow is not None and follow.kind == "fact":
            response, need = self._fact(request, previous, follow, language), previous.need
        else:
            asked = self._asked(request, previous, follow, language)
            regional_first = (
                previous is not None
                and previous.asked_commune
                and follow is not None
                and follow.kind == "commune"
            )
            response = self._service.ask(asked, regional_first=regional_first)
            need = asked.question
        clarification = self._clarification(response, need)
        self._store.append(
            conversation,
            Turn(
                question=self._redact(request.question),
                need=self._redact(need),
                language=response.language,
                commune=response.commune,
                kind=response.kind,
                institution_ids=tuple(c.id for c in response.institutions[:REMEMBERED_DOORS]),
                asked_commune=clarification is not None and clarification.field == "commune",
            ),
        )
        if follow is not None:
            logger.info("follow-up: %s", follow.kind)
        return response.model_copy(
            update={"conversation_id": conversation.id, "clarification": clarification}
        )

    def replay(self, questions: Sequence[str], *, audience: str, language: str | None) -> str:
        """A conversation made of earlier questions (an OpenAI-style ``messages`` history),
        answered in turn; returns its id for the last question."""
        conversation_id: str | None = None
        for question in questions:
            response = self.ask(
                AskRequest(
                    question=question,
                    language=language,
                    audience="professional" if audience == "professional" else "public",
                    conversation_id=conversation_id,
                )
            )
            conversation_id = response.conversation_id
        if conversation_id is None:
            return self._store.open("professional" if audience == "professional" else "public").id
        return conversation_id

    def _conversation(self, request: AskRequest) -> Conversation:
        if request.conversation_id:
            found = self._store.get(request.conversation_id, request.audience)
            if found is not None:
                return found
            logger.info("unknown or expired conversation: a new one is opened")
        return self._store.open(request.audience)

    def _language(self, request: AskRequest, previous: Turn | None) -> str | None:
        if request.language:
            return request.language
        if previous is not None and len(request.question.split()) < MIN_DETECTED_WORDS:
            return previous.language
        return None if previous is None else self._service.detect_language(request.question)

    def _asked(
        self,
        request: AskRequest,
        previous: Turn | None,
        follow: FollowUp | None,
        language: str | None,
    ) -> AskRequest:
        """The question the service answers for this turn."""
        if previous is None or follow is None:
            return request
        commune = request.commune or follow.commune or previous.commune
        question = request.question
        if follow.kind == "commune":
            question = previous.need
        elif follow.kind == "refine":
            question = f"{previous.need} {request.question}"[:MAX_NEED_CHARS]
        return request.model_copy(
            update={"question": question, "commune": commune, "language": language}
        )

    def _fact(
        self, request: AskRequest, previous: Turn, follow: FollowUp, language: str | None
    ) -> AskResponse:
        """The doors of the earlier answer again, answered about the one asked of."""
        assert follow.field is not None
        base = self._service.ask(
            request.model_copy(
                update={
                    "question": previous.need,
                    "commune": previous.commune,
                    "language": language,
                }
            )
        )
        about = self._about(request.question, previous.institution_ids)
        record = self._service.institutions.get(about)
        card = next((c for c in base.institutions if c.id == about), None)
        if record is None or card is None:
            return base
        cited = [c for c in base.citations if c.n in set(card.citations)]
        marks = "".join(f" [{c.n}]" for c in cited[:2])
        text = fact_text(record, follow.field, self._lexicon.frames(base.language), marks=marks)
        return base.model_copy(update={"answer": text, "institutions": [card], "citations": cited})

    def _about(self, question: str, doors: Sequence[str]) -> str:
        """The door a question names (by name or acronym), else the first one shown."""
        folded = fold(question)
        for door in doors:
            record = self._service.institutions.get(door)
            if record is None:
                continue
            names = [record.name, *([record.acronym] if record.acronym else [])]
            if any(re.search(rf"\b{re.escape(fold(n))}\b", folded) for n in names):
                return door
        return doors[0]

    def _clarification(self, response: AskResponse, need: str) -> Clarification | None:
        """Ask where the person lives when it is unknown and decides the door: a regional
        office is among the doors shown, or the need is one whose door is regional."""
        if response.kind != "orientation" or response.commune is not None:
            return None
        shown = response.institutions[:REMEMBERED_DOORS]
        regional_door = any(self._communes.is_regional_office(card.id) for card in shown)
        if not regional_door and not (self._reader.needs(need) & self._lexicon.regional_needs):
            return None
        question = self._lexicon.frames(response.language).ask_commune
        return Clarification(field="commune", question=question)
