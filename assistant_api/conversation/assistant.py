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
from assistant_api.conversation.eligibility import PermitStatus, preference
from assistant_api.conversation.facts import contact_text, fact_text
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
        age, permit = self._eligibility(previous, follow)
        focus: str | None = None
        need = request.question
        if previous is not None and follow is not None and follow.kind in {"fact", "other"}:
            response, focus = self._about_door(request, previous, follow, language)
            need = previous.need
        else:
            asked = self._asked(request, previous, follow, language)
            regional_first = (
                previous is not None
                and follow is not None
                and (
                    (previous.asked_commune and follow.kind == "commune") or follow.kind == "closer"
                )
            )
            response = self._service.ask(
                asked,
                regional_first=regional_first,
                preference=self._preference(age, permit),
            )
            need = asked.question
        asked_before = previous.asked if previous is not None else frozenset()
        closer = follow is not None and follow.kind == "closer"
        clarification = self._clarification(
            response,
            need,
            asked_before,
            force_commune=closer,
            first_of_need=follow is None or follow.kind == "new",
        )
        self._store.append(
            conversation,
            Turn(
                question=self._redact(request.question),
                need=self._redact(need),
                language=response.language,
                commune=response.commune,
                kind=response.kind,
                institution_ids=self._doors(response, previous, follow),
                asked_commune=clarification is not None and clarification.field == "commune",
                asked=asked_before | ({clarification.field} if clarification else set()),
                age=age,
                permit=permit,
                focus=focus,
            ),
        )
        if follow is not None:
            logger.info("follow-up: %s", follow.kind)
        return response.model_copy(
            update={"conversation_id": conversation.id, "clarification": clarification}
        )

    @staticmethod
    def _eligibility(
        previous: Turn | None, follow: FollowUp | None
    ) -> tuple[int | None, PermitStatus | None]:
        """The person's age and permit: given now, or earlier in the conversation."""
        age = previous.age if previous is not None else None
        permit = previous.permit if previous is not None else None
        if follow is not None and follow.age is not None:
            age = follow.age
        if follow is not None and follow.permit is not None:
            permit = follow.permit
        return age, permit

    def _preference(
        self, age: int | None, permit: PermitStatus | None
    ) -> Callable[[str], int] | None:
        """The order of the doors for a person of this age and permit (None: retrieval's)."""
        if age is None and permit is None:
            return None
        records = self._service.institutions
        eligibility = self._reader.eligibility

        def rank(institution_id: str) -> int:
            record = records.get(institution_id)
            if record is None:
                return 1
            return preference(eligibility, record, age=age, permit=permit)

        return rank

    @staticmethod
    def _doors(
        response: AskResponse, previous: Turn | None, follow: FollowUp | None
    ) -> tuple[str, ...]:
        """The doors a later question may be about: a question about one of them keeps the
        whole earlier list, so that "the other one" still has one."""
        if previous is not None and follow is not None and follow.kind in {"fact", "other"}:
            return previous.institution_ids
        return tuple(c.id for c in response.institutions[:REMEMBERED_DOORS])

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
        if follow.kind in {"commune", "closer"}:
            question = previous.need
        elif follow.kind in {"refine", "age", "permit"}:
            question = f"{previous.need} {request.question}"[:MAX_NEED_CHARS]
        return request.model_copy(
            update={"question": question, "commune": commune, "language": language}
        )

    def _about_door(
        self, request: AskRequest, previous: Turn, follow: FollowUp, language: str | None
    ) -> tuple[AskResponse, str | None]:
        """The doors of the earlier answer again, answered about the one asked of (for
        "the other one", a door other than the one talked about last); returns the answer
        and that door."""
        base = self._service.ask(
            request.model_copy(
                update={
                    "question": previous.need,
                    "commune": previous.commune,
                    "language": language,
                }
            )
        )
        if follow.kind == "other":
            about = next((d for d in previous.institution_ids if d != (previous.focus or "")), None)
            if previous.focus is None and len(previous.institution_ids) > 1:
                about = previous.institution_ids[1]
        else:
            about = self._about(request.question, previous.institution_ids)
        record = self._service.institutions.get(about) if about else None
        card = next((c for c in base.institutions if c.id == about), None)
        if record is None or card is None:
            return base, None
        cited = [c for c in base.citations if c.n in set(card.citations)]
        marks = "".join(f" [{c.n}]" for c in cited[:2])
        frames = self._lexicon.frames(base.language)
        if follow.field is not None:
            text = fact_text(record, follow.field, frames, marks=marks)
        else:
            text = contact_text(record, frames, marks=marks)
        update = {"answer": text, "institutions": [card], "citations": cited}
        return base.model_copy(update=update), about

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

    def _clarification(
        self,
        response: AskResponse,
        need: str,
        asked: frozenset[str],
        *,
        force_commune: bool = False,
        first_of_need: bool = True,
    ) -> Clarification | None:
        """The one question to ask back, if the answer depends on something unknown: where
        the person lives (a regional office is among the doors shown, the need is one whose
        door is regional, or they asked for a door closer to them), else their age or their
        residence permit when the doors shown differ on the ages or permits they take — only on
        the first answer to a need, so that a conversation is not a questionnaire. Each is
        asked once in a conversation; the age or permit is not asked when the need says it."""
        if response.kind != "orientation":
            return None
        frames = self._lexicon.frames(response.language)
        if response.commune is None:
            shown = response.institutions[:REMEMBERED_DOORS]
            regional_door = any(self._communes.is_regional_office(card.id) for card in shown)
            needs = self._reader.needs(need)
            regional_need = bool(needs & self._lexicon.regional_needs) or (
                self._lexicon.says_cannot_pay(need)
                and (
                    not self._lexicon.cannot_pay.needs
                    or bool(needs & self._lexicon.cannot_pay.needs)
                )
            )
            if force_commune or ("commune" not in asked and (regional_door or regional_need)):
                return Clarification(field="commune", question=frames.ask_commune)
        if not first_of_need:
            return None
        records = [
            record
            for card in response.institutions[:REMEMBERED_DOORS]
            if (record := self._service.institutions.get(card.id)) is not None
        ]
        eligibility = self._reader.eligibility
        if (
            "age" not in asked
            and eligibility.stated_age(need) is None
            and eligibility.age_decides(records)
        ):
            return Clarification(field="age", question=frames.ask_age)
        if (
            "permit" not in asked
            and eligibility.stated_permit(need) is None
            and eligibility.permit_decides(records)
        ):
            return Clarification(field="permit", question=frames.ask_permit)
        return None
