"""The conversation lexicon (``prompts/conversation.yaml``): the clarifying question, the frame
of a fact follow-up's answer, field labels, and the phrasings that ask about a field.

Read through the shared loader, so an editor's typo is reported with the file and the key.
"""

from __future__ import annotations

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
    "ConversationLexicon",
    "FactField",
    "LanguageFrames",
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


class ConversationLexicon(LexiconModel):
    """The whole file."""

    unchecked: tuple[str, ...] = ()
    regional_needs: frozenset[str] = frozenset()
    languages: dict[str, LanguageFrames]
    fields: dict[FactField, tuple[_Pattern, ...]]

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

    def asked_field(self, question: str) -> FactField | None:
        """The record field ``question`` asks about, or None."""
        folded = fold(question)
        for field in FACT_FIELDS:
            if any(p.search(folded) for p in self.fields.get(field, ())):
                return field
        return None
