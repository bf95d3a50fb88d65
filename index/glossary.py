"""Multilingual keyword expansion: a question's needs, named in French for BM25.

The fiches are French; BM25 only helps a question that shares their words. The glossary
(``corpora/glossary.yaml``) maps word starts in thirteen languages to the French words of the
same need, so "Miete" or "оренда" also search for "loyer logement bail".
"""

from __future__ import annotations

import re
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


@dataclass(frozen=True, slots=True)
class _Compiled:
    name: str
    french: str
    pattern: re.Pattern[str]


class Glossary:
    """Compiled concepts; :meth:`expand` is pure and takes microseconds."""

    def __init__(self, concepts: dict[str, tuple[str, list[str]]]) -> None:
        compiled: list[_Compiled] = []
        for name, (french, triggers) in sorted(concepts.items()):
            parts = []
            for trigger in triggers:
                folded = re.escape(fold(str(trigger)))
                latin = all(ord(c) < 0x250 for c in fold(str(trigger)))
                parts.append(rf"(?<![a-z0-9]){folded}" if latin else folded)
            compiled.append(_Compiled(name, french, re.compile("|".join(parts))))
        self._concepts = tuple(compiled)

    @classmethod
    def from_file(cls, path: Path) -> Glossary:
        data = _GlossaryFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        return cls({name: (c.fr, c.triggers) for name, c in data.concepts.items()})

    def concepts(self, text: str) -> list[str]:
        """Names of the concepts ``text`` mentions, in glossary order."""
        folded = fold(text)
        return [c.name for c in self._concepts if c.pattern.search(folded)]

    def expand(self, text: str) -> str:
        """The French words of every concept ``text`` mentions ('' when none)."""
        return self.french_words(self.concepts(text))

    def french_words(self, names: Sequence[str]) -> str:
        """The French words of the named concepts, in glossary order (no second scan of a text
        whose concepts are already known)."""
        wanted = set(names)
        return " ".join(c.french for c in self._concepts if c.name in wanted)
