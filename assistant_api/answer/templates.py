"""Per-language framing sentences for answers, kept as data in ``prompts/answer/<lang>.yaml``.

Institution facts (names, numbers, addresses) are never translated: only the sentences around
them come from these files. A language without a file falls back to French, the language of
the sources, rather than to a machine translation nobody checked.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

__all__ = ["AnswerTemplates", "TemplateSet"]


class Labels(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    phone: str
    address: str
    hours: str
    website: str
    email: str


class TemplateSet(BaseModel):
    """The sentences of one language."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    language: str
    direction: str = "ltr"
    intro: str
    why: str
    why_generic: str
    serves_commune: str
    labels: Labels
    emergency_intro: str
    emergency_after: str
    no_answer: str
    out_of_scope: str
    closing: str
    unconfirmed: str
    emergency_labels: dict[str, str]
    #: Freshness notes (one per institution, issue 17): a stale fact's year, or unconfirmed.
    checked_in: str
    not_checked: str
    #: What an institution does when none of its services has a vocabulary term.
    generic: str


class AnswerTemplates:
    """All template sets of a folder; ``get(lang)`` falls back to French."""

    def __init__(self, folder: Path, *, fallback: str = "fr") -> None:
        self._sets: dict[str, TemplateSet] = {}
        for path in sorted(folder.glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            template = TemplateSet.model_validate(data)
            if template.language != path.stem:
                raise ValueError(f"{path}: language {template.language!r} differs from file name")
            self._sets[template.language] = template
        if fallback not in self._sets:
            raise ValueError(f"no {fallback}.yaml template in {folder}")
        self._fallback = fallback

    @property
    def languages(self) -> list[str]:
        return sorted(self._sets)

    def has(self, language: str) -> bool:
        return language in self._sets

    def get(self, language: str) -> TemplateSet:
        return self._sets.get(language, self._sets[self._fallback])
