"""Multilingual keyword expansion: a question's needs, named in French for BM25.

The fiches are French; BM25 only helps a question that shares their words. The glossary
(``corpora/glossary.yaml``) maps word starts in thirteen languages to the French words of the
same need, so "Miete" or "оренда" also search for "loyer logement bail".

Each need also belongs to one corpus category (``ingest.CATEGORIES``), so the glossary says
what a question is about (:meth:`Glossary.category`) with the same matching in every language:
the analytics file unanswered questions under that theme.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, field_validator

from ingest import CATEGORIES
from permanence import fold
from permanence.lexicon import LexiconModel, load_lexicon

__all__ = ["Glossary", "GlossaryConcept"]

#: Characters that make a position not the start of a word, for Latin-script triggers.
_WORD_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
#: Triggers are looked up by their first characters at every position of a question.
_KEY_LENGTH = 2


class GlossaryConcept(LexiconModel):
    """One need: the French words BM25 adds, its corpus category, the triggers that name it."""

    fr: str = Field(min_length=2)
    category: str
    triggers: tuple[str, ...] = Field(min_length=1)

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        if value not in CATEGORIES:
            raise ValueError(f"unknown category {value!r}; use one of {', '.join(CATEGORIES)}")
        return value

    @field_validator("triggers")
    @classmethod
    def _long_enough(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        short = [t for t in value if len(fold(t)) < _KEY_LENGTH]
        if short:
            raise ValueError(
                f"triggers {short} are too short to look up; write {_KEY_LENGTH} letters or more"
            )
        return value


class _GlossaryFile(LexiconModel):
    concepts: dict[str, GlossaryConcept] = Field(min_length=1)


def _continues_word(text: str, end: int) -> bool:
    return end < len(text) and text[end] in _WORD_CHARACTERS


@dataclass(frozen=True, slots=True)
class _Trigger:
    text: str  # folded
    length: int  # of the folded text: the longer, the more specific
    concept: int  # position of its concept in glossary order (sorted by name)
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

    def __init__(self, concepts: Mapping[str, GlossaryConcept]) -> None:
        file_order = {name: rank for rank, name in enumerate(concepts)}
        ordered = sorted(concepts.items())
        self._names = tuple(name for name, _ in ordered)
        # File order breaks ties between equally specific needs (see ``category``).
        self._file_rank = tuple(file_order[name] for name in self._names)
        self._french = tuple(concept.fr for _, concept in ordered)
        self._categories = tuple(concept.category for _, concept in ordered)
        buckets: dict[str, list[_Trigger]] = {}
        for position, (_, concept) in enumerate(ordered):
            for trigger in concept.triggers:
                folded = fold(trigger)
                latin = all(ord(c) < 0x250 for c in folded)
                acronym = latin and trigger.isupper()
                buckets.setdefault(folded[:_KEY_LENGTH], []).append(
                    _Trigger(folded, len(folded), position, word_start=latin, whole_word=acronym)
                )
        self._buckets = buckets

    @classmethod
    def from_file(cls, path: Path) -> Glossary:
        """Load ``corpora/glossary.yaml`` (a :class:`~permanence.lexicon.LexiconError` names
        the concept and key of any problem, e.g. an unknown category)."""
        return cls(load_lexicon(path, _GlossaryFile).concepts)

    def _matches(self, text: str) -> list[int]:
        """By concept position: the length of the longest trigger ``text`` matches (0: none)."""
        folded = fold(text)
        longest = [0] * len(self._names)
        for start in range(len(folded) - _KEY_LENGTH + 1):
            bucket = self._buckets.get(folded[start : start + _KEY_LENGTH])
            if bucket is None:
                continue
            word_start = start == 0 or folded[start - 1] not in _WORD_CHARACTERS
            for trigger in bucket:
                if (
                    trigger.length > longest[trigger.concept]
                    and (word_start or not trigger.word_start)
                    and folded.startswith(trigger.text, start)
                    and not (trigger.whole_word and _continues_word(folded, start + trigger.length))
                ):
                    longest[trigger.concept] = trigger.length
        return longest

    def concepts(self, text: str) -> list[str]:
        """Names of the concepts ``text`` mentions, in glossary order (sorted by name)."""
        matches = self._matches(text)
        return [name for name, length in zip(self._names, matches, strict=True) if length]

    def categories(self, text: str) -> frozenset[str]:
        """The corpus categories of every need ``text`` names (the analytics use it to see
        health needs, which they keep only as a theme)."""
        matches = self._matches(text)
        return frozenset(
            category for category, length in zip(self._categories, matches, strict=True) if length
        )

    def category(self, text: str) -> str | None:
        """The corpus category of the most specific need ``text`` names (``None``: none).

        Most specific = matched by the longest trigger: "pension alimentaire" (alimony) beats
        "pension" (pension) in the same question, "loyer modéré" beats "loyer". Equally long
        matches go to the concept written first in the glossary file. A longer phrase is rarer
        and says more about the need than a short word start, which is all the glossary knows
        about specificity. Dev gold set, 330 questions with a category (2026-12-03): 147 get
        theirs, against 124 with the first concept of the file, 135 with the first concept of
        the question, and 66 with the keyword list this replaced.
        """
        longest = self._matches(text)
        found = [i for i, length in enumerate(longest) if length]
        if not found:
            return None
        best = min(found, key=lambda i: (-longest[i], self._file_rank[i]))
        return self._categories[best]

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
