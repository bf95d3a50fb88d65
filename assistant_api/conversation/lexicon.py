"""The conversation lexicon (``prompts/conversation.yaml``): the clarifying question, the frame
of a fact follow-up's answer, field labels, and the phrasings that ask about a field.

Read through the shared loader, so an editor's typo is reported with the file and the key.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from assistant_api.triage.language import SUPPORTED_LANGUAGES
from permanence import fold
from permanence.lexicon import FoldedPattern, LexiconModel, load_lexicon
from permanence.settings import PROJECT_ROOT

__all__ = [
    "DEFAULT_CONVERSATION_PATH",
    "FACT_FIELDS",
    "AgeBound",
    "AgeWord",
    "CannotPay",
    "ConversationLexicon",
    "EligibilityLexicon",
    "FactField",
    "LanguageFrames",
    "Reference",
]

#: The bundled lexicon, read when none is given.
DEFAULT_CONVERSATION_PATH = PROJECT_ROOT / "prompts" / "conversation.yaml"

FactField = Literal["languages", "documents", "fees", "hours", "address", "phone"]
#: The fields a follow-up can ask about, in the order they are tried: the more specific first
#: ("combien coûte… le samedi" is about the fee).
FACT_FIELDS: tuple[FactField, ...] = (
    "languages",
    "documents",
    "fees",
    "phone",
    "address",
    "hours",
)


_Pattern = FoldedPattern


class LanguageFrames(LexiconModel):
    """What the conversation layer writes in one language."""

    ask_commune: str = Field(min_length=5)
    ask_age: str = Field(min_length=5)
    ask_permit: str = Field(min_length=5)
    fact_lead: str = Field(min_length=5)
    fact_missing: str = Field(min_length=5)
    labels: dict[FactField, str]

    @field_validator("fact_lead", "fact_missing")
    @classmethod
    def _names_the_institution(cls, value: str) -> str:
        if "{name}" not in value:
            raise ValueError("must contain {name}, where the institution's name goes")
        return value

    @field_validator("labels")
    @classmethod
    def _every_field(cls, value: dict[FactField, str]) -> dict[FactField, str]:
        missing = [f for f in FACT_FIELDS if f not in value]
        if missing:
            raise ValueError(f"labels missing for {', '.join(missing)}; add them")
        return value


Reference = Literal["other", "closer"]


class AgeBound(LexiconModel):
    """An eligibility phrasing and the age range it gives (its groups override the bounds)."""

    pattern: _Pattern
    min: int = Field(default=0, ge=0, le=120)
    max: int = Field(default=120, ge=0, le=120)
    head_only: bool = False
    """Counts only when the words open the eligibility text (the public it names first)."""


class AgeWord(LexiconModel):
    """A word that implies an age ("retraité")."""

    pattern: _Pattern
    age: int = Field(ge=0, le=120)


class EligibilityLexicon(LexiconModel):
    """How ages and residence permits are read, in records and in questions."""

    broad: tuple[_Pattern, ...] = ()
    age_bounds: tuple[AgeBound, ...]
    stated_age: tuple[_Pattern, ...]
    age_words: tuple[AgeWord, ...] = ()
    asylum_record: tuple[_Pattern, ...]
    foreign_residents: tuple[_Pattern, ...] = ()
    permit_words: tuple[_Pattern, ...]
    asylum_words: tuple[_Pattern, ...] = ()

    @field_validator("stated_age")
    @classmethod
    def _names_the_age(cls, value: tuple[re.Pattern[str], ...]) -> tuple[re.Pattern[str], ...]:
        for pattern in value:
            if "age" not in pattern.groupindex:
                raise ValueError(f"{pattern.pattern!r} needs a (?P<age>...) group")
        return value


class CannotPay(LexiconModel):
    """Needs that become money needs when the person says they cannot pay."""

    needs: frozenset[str] = frozenset()
    patterns: tuple[_Pattern, ...] = ()


class ConversationLexicon(LexiconModel):
    """The whole file."""

    unchecked: tuple[str, ...] = ()
    regional_needs: frozenset[str] = frozenset()
    cannot_pay: CannotPay = Field(default_factory=lambda: CannotPay())
    languages: dict[str, LanguageFrames]
    fields: dict[FactField, tuple[_Pattern, ...]]
    references: dict[Reference, tuple[_Pattern, ...]] = Field(default_factory=dict)
    eligibility: EligibilityLexicon

    @field_validator("languages")
    @classmethod
    def _all_languages(cls, value: dict[str, LanguageFrames]) -> dict[str, LanguageFrames]:
        missing = sorted(set(SUPPORTED_LANGUAGES) - set(value))
        unknown = sorted(set(value) - set(SUPPORTED_LANGUAGES))
        if missing or unknown:
            raise ValueError(
                f"languages must be exactly {', '.join(SUPPORTED_LANGUAGES)}"
                f" (missing: {missing or '-'}, unknown: {unknown or '-'})"
            )
        return value

    @classmethod
    def load(cls, path: Path = DEFAULT_CONVERSATION_PATH) -> ConversationLexicon:
        return load_lexicon(path, cls)

    def frames(self, language: str) -> LanguageFrames:
        """The frames of ``language``, French for a language the file does not have."""
        return self.languages.get(language) or self.languages["fr"]

    def says_cannot_pay(self, text: str) -> bool:
        """Whether ``text`` says the person cannot pay or has no income."""
        folded = fold(text)
        return any(p.search(folded) for p in self.cannot_pay.patterns)

    def reference(self, question: str) -> Reference | None:
        """Whether ``question`` points at "the other one" or asks for a door "closer to me"."""
        folded = fold(question)
        for reference in ("other", "closer"):
            if any(p.search(folded) for p in self.references.get(reference, ())):
                return reference
        return None

    def asked_field(self, question: str) -> FactField | None:
        """The record field ``question`` asks about, or None."""
        folded = fold(question)
        for field in FACT_FIELDS:
            if any(p.search(folded) for p in self.fields.get(field, ())):
                return field
        return None
