"""The service vocabulary: what institutions do, as terms labelled in every answer language.

Records are written in French; an answer to a Tigrinya speaker that quotes "conseil juridique
en droit du bail" does not help them. ``corpora/vocabulary/services.yaml`` holds HSDS
``taxonomy_term`` entries with a label in each of the 13 answer languages, and a record names
the terms of its services in ``service_terms``. This module loads and checks that file, and
maps a French service phrase to a term (:meth:`Vocabulary.map_phrase`), which
``scripts/map_service_terms.py`` uses to fill the records and the composer uses to tell which
of a record's phrases a term stands for.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from permanence.settings import PROJECT_ROOT
from permanence.text import fold

__all__ = [
    "SERVICE_TAXONOMY",
    "SERVICE_TERM_LINK",
    "ServiceTerm",
    "Vocabulary",
    "VocabularyError",
    "default_vocabulary_path",
    "load_vocabulary",
    "service_term_attributes",
    "service_term_rows",
]

#: HSDS taxonomy of the service terms, and the ``link_type`` of a service's term attribute.
SERVICE_TAXONOMY = "permanence-services"
SERVICE_TERM_LINK = "service_term"

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class VocabularyError(ValueError):
    """The vocabulary file is missing or does not have the expected shape; names the file."""


class ServiceTerm(BaseModel):
    """One HSDS taxonomy term, with its labels and the French word starts that map to it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    term: str = Field(min_length=1)
    definition: str = Field(min_length=10)
    labels: dict[str, str]
    unchecked_languages: list[str]
    match: list[str] = Field(min_length=1)
    concepts: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> ServiceTerm:
        if not _ID.match(self.id):
            raise ValueError(f"term id {self.id!r} must be a lower-case slug")
        empty = sorted(lang for lang, label in self.labels.items() if not label.strip())
        if empty:
            raise ValueError(f"term {self.id!r} has empty labels for {empty}")
        return self

    def label(self, language: str) -> str:
        """The label in ``language``, the French one when the language has none."""
        return self.labels.get(language) or self.labels["fr"]


class Vocabulary(BaseModel):
    """All terms of one taxonomy; every term carries a label in each of ``languages``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    taxonomy: str
    version: int
    languages: list[str] = Field(min_length=1)
    terms: list[ServiceTerm]

    @model_validator(mode="after")
    def _check(self) -> Vocabulary:
        wanted = set(self.languages)
        seen: set[str] = set()
        for term in self.terms:
            if term.id in seen:
                raise ValueError(f"term id {term.id!r} appears twice")
            seen.add(term.id)
            missing = sorted(wanted - set(term.labels))
            extra = sorted(set(term.labels) - wanted)
            if missing or extra:
                raise ValueError(
                    f"term {term.id!r}: labels must be exactly {self.languages}; "
                    f"missing {missing}, unknown {extra}"
                )
            stray = sorted(set(term.unchecked_languages) - wanted)
            if stray:
                raise ValueError(f"term {term.id!r}: unchecked_languages names unknown {stray}")
        return self

    @cached_property
    def _by_id(self) -> dict[str, ServiceTerm]:
        return {term.id: term for term in self.terms}

    @cached_property
    def _patterns(self) -> list[tuple[re.Pattern[str], int, int, str]]:
        """(word-start pattern, its length, term position, term id), longest first."""
        patterns = [
            (re.compile(r"(?<!\w)" + re.escape(fold(text))), len(text), position, term.id)
            for position, term in enumerate(self.terms)
            for text in term.match
        ]
        return sorted(patterns, key=lambda p: (-p[1], p[2]))

    def ids(self) -> frozenset[str]:
        return frozenset(self._by_id)

    def get(self, term_id: str) -> ServiceTerm | None:
        return self._by_id.get(term_id)

    def map_phrase(self, phrase: str) -> str | None:
        """The term a French service phrase stands for, or ``None`` when none fits.

        The longest matching word start wins ("accueil de jour" beats "accueil"); equally long
        matches go to the term written first in the file.
        """
        folded = fold(phrase)
        for pattern, _length, _position, term_id in self._patterns:
            if pattern.search(folded):
                return term_id
        return None

    def unchecked_share(self) -> float:
        """Share of all labels that no fluent reader has checked (reported by the check)."""
        total = len(self.terms) * len(self.languages)
        unchecked = sum(len(term.unchecked_languages) for term in self.terms)
        return unchecked / total if total else 0.0


def default_vocabulary_path() -> Path:
    """``corpora/vocabulary/services.yaml`` of this checkout."""
    return PROJECT_ROOT / "corpora" / "vocabulary" / "services.yaml"


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """Read and check the vocabulary; raises :class:`VocabularyError` naming the file."""
    path = path or default_vocabulary_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise VocabularyError(f"vocabulary {path} cannot be read: {exc}") from exc
    try:
        return Vocabulary.model_validate(data)
    except ValidationError as exc:
        raise VocabularyError(f"vocabulary {path} is not valid: {exc}") from exc


def service_term_attributes(service_id: str, term_ids: list[str]) -> list[dict[str, object]]:
    """HSDS ``attributes`` rows linking one service to its terms (``permanence corpus export``)."""
    return [
        {
            "id": f"{service_id}--term-{term_id}",
            "link_id": service_id,
            "link_entity": "service",
            "link_type": SERVICE_TERM_LINK,
            "taxonomy_term_id": f"{SERVICE_TAXONOMY}:{term_id}",
        }
        for term_id in term_ids
    ]


def service_term_rows(
    term_ids: list[str], vocabulary: Vocabulary | None = None
) -> list[dict[str, object]]:
    """HSDS ``taxonomy_terms`` rows of the used terms, sorted, with their French name."""
    vocabulary = vocabulary or load_vocabulary()
    rows: list[dict[str, object]] = []
    for term_id in sorted(term_ids):
        term = vocabulary.get(term_id)
        rows.append(
            {
                "id": f"{SERVICE_TAXONOMY}:{term_id}",
                "code": term_id,
                "name": term.term if term is not None else term_id,
                "description": term.definition if term is not None else term_id,
                "taxonomy": SERVICE_TAXONOMY,
            }
        )
    return rows
