"""What a follow-up question is: a commune for the earlier need, a question about a door just
named (or "the other one"), a request for a door "closer to me", the person's age or residence
permit, more detail on the same need, or a new need.

Read from the words alone, conservatively: a turn that names a need of its own (a glossary
concept the earlier need did not have) is a new question, whatever else it says; a short turn
without a need of its own continues the earlier one. The commune and the language carry over in
every case. An emergency does not stick: after one, only a commune ("I live in Le Locle") or a
question about a door just named continues it; anything else is judged on what it says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assistant_api.answer.communes import CommuneDirectory
from assistant_api.conversation.eligibility import EligibilityReader, PermitStatus
from assistant_api.conversation.lexicon import ConversationLexicon, FactField
from assistant_api.conversation.store import Turn
from index import Glossary

__all__ = ["MAX_FOLLOWUP_WORDS", "FollowUp", "FollowUpKind", "FollowUpReader"]

FollowUpKind = Literal["commune", "fact", "other", "closer", "age", "permit", "refine", "new"]

#: A continuation is short: "et si j'habite à Boudry ?", "do they speak Arabic?", "I have two
#: kids". Longer turns tell a story of their own and are read as new questions (with the
#: commune and the language carried over).
MAX_FOLLOWUP_WORDS = 14


@dataclass(frozen=True, slots=True)
class FollowUp:
    kind: FollowUpKind
    commune: str | None = None
    """The commune this turn names, if any."""
    field: FactField | None = None
    """For ``fact`` and ``other``: the record field asked about."""
    age: int | None = None
    """For ``age``: the age the person gave."""
    permit: PermitStatus | None = None
    """For ``permit``: what the permit the person named means for the door."""


class FollowUpReader:
    """Reads a turn against the one before it."""

    def __init__(
        self,
        *,
        communes: CommuneDirectory,
        lexicon: ConversationLexicon,
        glossary: Glossary | None = None,
    ) -> None:
        self._communes = communes
        self._lexicon = lexicon
        self._glossary = glossary
        self._eligibility = EligibilityReader(lexicon.eligibility)

    @property
    def eligibility(self) -> EligibilityReader:
        return self._eligibility

    def read(self, question: str, previous: Turn) -> FollowUp:
        commune = self._communes.find_in_text(question)
        words = len(question.split())
        if words > MAX_FOLLOWUP_WORDS:
            return FollowUp(kind="new", commune=commune)
        own = self.needs(question) - self.needs(previous.need)
        if own:
            return FollowUp(kind="new", commune=commune)
        field = self._lexicon.asked_field(question)
        reference = self._lexicon.reference(question)
        if reference == "other" and len(previous.institution_ids) > 1:
            return FollowUp(kind="other", commune=commune, field=field)
        if reference == "closer" and previous.institution_ids:
            return FollowUp(kind="closer", commune=commune)
        if field is not None and previous.institution_ids:
            return FollowUp(kind="fact", commune=commune, field=field)
        age = self._eligibility.stated_age(question)
        if age is not None:
            return FollowUp(kind="age", commune=commune, age=age)
        permit = self._eligibility.stated_permit(question)
        if permit is not None:
            return FollowUp(kind="permit", commune=commune, permit=permit)
        if commune is not None:
            return FollowUp(kind="commune", commune=commune)
        if previous.kind == "emergency":
            # Not more of the same emergency: judged on what it says, alone.
            return FollowUp(kind="new")
        return FollowUp(kind="refine")

    def needs(self, text: str) -> set[str]:
        """The glossary needs ``text`` names (none without a glossary)."""
        return set(self._glossary.concepts(text)) if self._glossary is not None else set()
