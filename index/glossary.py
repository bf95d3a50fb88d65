"""Multilingual keyword expansion: a question's needs, named in French for BM25.

The fiches are French; BM25 only helps a question that shares their words. The glossary
(``corpora/glossary.yaml``) maps word starts in thirteen languages to the French words of the
same need, so "Miete" or "оренда" also search for "loyer logement bail".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from permanence import fold

__all__ = ["Glossary"]


class _Concept(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fr: str = Field(min_length=2)
    triggers: list[str] = Field(min_length=1)


class _GlossaryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    concepts: dict[str, _Concept]


#: Characters that make a position not the start of a word, for Latin-script triggers.
_WORD_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
#: Triggers are looked up by their first characters at every position of a question.
_KEY_LENGTH = 2


def _continues_word(text: str, end: int) -> bool:
    return end < len(text) and text[end] in _WORD_CHARACTERS


@dataclass(frozen=True, slots=True)
class _Trigger:
    text: str  # folded
    concept: int  # position of its concept in glossary order
    word_start: bool  # Latin script: matches only where a word starts
    whole_word: bool  # an acronym written in capitals ("ORP", "AI"): matches only as a word


class Glossary:
    """Concepts and their triggers; finding a question's concepts takes tens of microseconds.

    A Latin-script trigger is a word start ("loyer" also finds "loyers"); other scripts are
    matched anywhere, since their words carry prefixes and suffixes that a word boundary would
    miss. A trigger written in capitals is an acronym and matches as a whole word only: "ORP"
    finds "quel ORP ?" but not "orphelin".

    Triggers are bucketed by their first two characters, so a question is scanned once whatever
    the size of the glossary (one regular expression per concept took 1.9 ms).
    """

    def __init__(self, concepts: dict[str, tuple[str, list[str]]]) -> None:
        ordered = sorted(concepts.items())
        self._names = tuple(name for name, _ in ordered)
        self._french = tuple(french for _, (french, _) in ordered)
        buckets: dict[str, list[_Trigger]] = {}
        for position, (name, (_, triggers)) in enumerate(ordered):
            for trigger in triggers:
                folded = fold(str(trigger))
                if len(folded) < _KEY_LENGTH:
                    raise ValueError(f"glossary trigger {trigger!r} of {name!r} is too short")
                latin = all(ord(c) < 0x250 for c in folded)
                acronym = latin and str(trigger).isupper()
                buckets.setdefault(folded[:_KEY_LENGTH], []).append(
                    _Trigger(folded, position, word_start=latin, whole_word=acronym)
                )
        self._buckets = buckets

    @classmethod
    def from_file(cls, path: Path) -> Glossary:
        data = _GlossaryFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        return cls({name: (c.fr, c.triggers) for name, c in data.concepts.items()})

    def concepts(self, text: str) -> list[str]:
        """Names of the concepts ``text`` mentions, in glossary order."""
        folded = fold(text)
        found: set[int] = set()
        for start in range(len(folded) - _KEY_LENGTH + 1):
            bucket = self._buckets.get(folded[start : start + _KEY_LENGTH])
            if bucket is None:
                continue
            word_start = start == 0 or folded[start - 1] not in _WORD_CHARACTERS
            for trigger in bucket:
                if (
                    trigger.concept not in found
                    and (word_start or not trigger.word_start)
                    and folded.startswith(trigger.text, start)
                    and not (
                        trigger.whole_word and _continues_word(folded, start + len(trigger.text))
                    )
                ):
                    found.add(trigger.concept)
        return [self._names[i] for i in sorted(found)]

    def expand(self, text: str) -> str:
        """The French words of every concept ``text`` mentions ('' when none)."""
        return self.french_words(self.concepts(text))

    def french_words(self, names: Sequence[str]) -> str:
        """The French words of the named concepts, in glossary order (no second scan of a text
        whose concepts are already known)."""
        wanted = set(names)
        return " ".join(
            french for name, french in zip(self._names, self._french, strict=True) if name in wanted
        )
