"""The words a hotline transcript is checked against, per language: places and needs.

Two kinds of term, both restricted to what the corpus and the caller's language know:

- **places**: the communes, former communes and villages of ``corpora/communes.yaml``
  (names, the same in every language, keyed by how each language's voice says them); a
  locality stands for its commune in the read-back ("Fleurier" → Val-de-Travers);
- **needs**: the words of the caller's language that the glossary of needs
  (``corpora/glossary.yaml``) recognises on their own, taken from text written in that
  language: the spoken answer's category phrases (``prompts/ear_phrases.yaml``), the service
  labels (``corpora/vocabulary/services.yaml``) and, for French, the glossary's own French
  words. Only a word that names a need is a term, so a correction always gives retrieval a
  need it can expand, and a filler word ("pour", "with") is never one. The glossary's
  triggers themselves are word starts without a language ("licenci", "оренд"), so they are
  not used as replacements.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from assistant_api.voice.ear_phrases import ear_phrases
from assistant_api.voice.normalise.phonetic import PhoneticKeys
from index import Glossary
from ingest.corpus import CommuneTable
from permanence import fold

__all__ = [
    "MIN_NEED_CHARS",
    "MIN_PLACE_CHARS",
    "Term",
    "TermKind",
    "Vocabulary",
    "build_vocabulary",
    "language_texts",
    "tokens",
]

TermKind = Literal["place", "need"]
#: Folded letters a need word (and what it replaces) must have: shorter words are too easily
#: another word ("جایی", a place, is one letter from "جدایی", a separation).
MIN_NEED_CHARS = 5
#: Folded letters of a misheard place name ("Bôle" has four).
MIN_PLACE_CHARS = 4
#: Apostrophes separate words too: the Turkish suffix of "Le Landeron'da", the French article
#: of "l'alcool".
_TOKEN = re.compile(r"[^\W_]+")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PARENTHESES = re.compile(r"\([^)]*\)")
#: A need word as written, article and all ("l'alcool"): the glossary reads it whole.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def tokens(text: str) -> list[re.Match[str]]:
    """The words of ``text`` with their spans (hyphens and spaces both separate)."""
    return list(_TOKEN.finditer(text))


@dataclass(frozen=True, slots=True)
class Term:
    """One word or name a transcript may have misheard."""

    text: str  # as written into the corrected transcript
    kind: TermKind
    meaning: str  # place: its commune; need: the glossary concept
    folded: str  # words folded, joined by one space
    key: str  # phonetic key of the whole term
    words: int  # how many transcript words it spans


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """One language's terms, by number of words (the matcher slides windows of each size)."""

    language: str
    terms: tuple[Term, ...]

    def by_size(self) -> dict[int, list[Term]]:
        out: dict[int, list[Term]] = {}
        for term in self.terms:
            out.setdefault(term.words, []).append(term)
        return out


def _need_words(texts: Iterable[str], glossary: Glossary) -> dict[str, str]:
    """word → concept, for the words of ``texts`` that name one need on their own."""
    found: dict[str, str] = {}
    for text in texts:
        for match in _WORD.finditer(_PARENTHESES.sub(" ", text)):
            word = match.group()
            if len(fold(word)) < MIN_NEED_CHARS or word in found:
                continue
            concepts = glossary.concepts(word)
            if len(concepts) == 1:
                found[word] = concepts[0]
    return found


def _read(path: Path) -> dict[str, object]:
    if not path.is_file():
        return {}
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    return data if isinstance(data, dict) else {}


def language_texts(
    *, glossary_path: Path, services_path: Path, phrases: Mapping[str, Iterable[str]] | None = None
) -> dict[str, list[str]]:
    """language → texts written in it that name needs: the ear phrases' categories
    (``phrases`` replaces them), the service labels, and for French the glossary's words."""
    if phrases is None:
        phrases = {lang: p.categories.values() for lang, p in ear_phrases().items()}
    texts = {language: list(values) for language, values in phrases.items()}
    terms = _read(services_path).get("terms")
    for term in terms if isinstance(terms, list) else []:
        for language, label in (term.get("labels") or {}).items():
            texts.setdefault(str(language), []).append(str(label))
    concepts = _read(glossary_path).get("concepts")
    for concept in concepts.values() if isinstance(concepts, dict) else []:
        texts.setdefault("fr", []).append(str(concept.get("fr", "")))
    return texts


def _places(table: CommuneTable) -> dict[str, str]:
    """Place name → its commune, communes first."""
    places = {c.name: c.name for c in table.communes}
    for commune in table.communes:
        for locality in commune.localities:
            places.setdefault(locality.name, commune.name)
    return places


def build_vocabulary(
    language: str,
    *,
    texts: Iterable[str],
    glossary: Glossary,
    communes: CommuneTable,
    keys: PhoneticKeys,
) -> Vocabulary:
    """The terms of ``language``: the places, and the need words of ``texts``
    (:func:`language_texts` of that language)."""
    entries: list[tuple[str, TermKind, str]] = [
        (name, "place", commune) for name, commune in _places(communes).items()
    ]
    entries += [(word, "need", concept) for word, concept in _need_words(texts, glossary).items()]
    entry_keys = keys.keys([text for text, _, _ in entries], language)
    terms = tuple(
        Term(
            text=text,
            kind=kind,
            meaning=meaning,
            folded=" ".join(fold(m.group()) for m in tokens(text)),
            key=key,
            words=len(tokens(text)),
        )
        for (text, kind, meaning), key in zip(entries, entry_keys, strict=True)
    )
    return Vocabulary(language=language, terms=terms)
