"""What the voice channel knows of the corpus: whom each institution helps with what, and
which words to expect.

Built once per runtime (:meth:`VoiceChannel.domain <assistant_api.voice.channel.VoiceChannel>`)
from the records, the glossary of needs (``corpora/glossary.yaml``) and the communes
(``corpora/communes.yaml``). The spoken answer says what a service does *for this need*: the
category of the question's need when the institution serves it, else the institution's own
first category. Speech recognition gets the hints of the caller's language
(:mod:`~assistant_api.voice.recognition`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import yaml

from assistant_api.models import AskResponse, InstitutionCard
from assistant_api.voice.recognition import (
    NO_HINTS,
    RecognitionHints,
    RecognitionVocabulary,
    build_vocabulary,
    glossary_french_needs,
)
from index import Glossary
from ingest import Institution
from ingest.corpus import load_communes

__all__ = ["VoiceDomain"]

#: The category said for an institution nobody filed.
UNKNOWN_CATEGORY = "autres"
#: The language the records (and so the services an older card quotes) are written in.
CORPUS_LANGUAGE = "fr"
#: Characters of what a card does, said before its number (two parts at most).
DOES_CHARS = 80
#: The service vocabulary whose labels the answer's cards use (corpora/vocabulary/).
VOCABULARY_PATH = Path(__file__).resolve().parents[2] / "corpora" / "vocabulary" / "services.yaml"
PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"
_PARENTHESES = re.compile(r"\s*[\(\[][^)\]]*[\)\]]")
_CITATIONS = re.compile(r"\[\d+\]")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_PARTS = re.compile(r"\s*[;؛]\s*")
#: French shorthand of the records that espeak-ng would read letter by letter.
_SHORTHAND = (
    (re.compile(r"24\s*h?\s*/\s*24"), "jour et nuit"),
    (re.compile(r"7\s*j?\s*/\s*7"), "tous les jours"),
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", _PARENTHESES.sub("", text).lower())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split()).strip(" .")


def _labels(path: Path) -> dict[str, frozenset[str]]:
    """language → the folded labels of the service vocabulary (none when it is absent)."""
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found: dict[str, set[str]] = {}
    for term in data.get("terms") or []:
        for language, label in (term.get("labels") or {}).items():
            found.setdefault(str(language), set()).add(_fold(str(label)))
    return {language: frozenset(labels) for language, labels in found.items()}


def _generic_whys(prompts_dir: Path) -> frozenset[str]:
    """The answer templates' "deals with questions like yours", folded, in every language: a
    card saying only that says nothing a category phrase would not say better."""
    found: set[str] = set()
    for path in sorted((prompts_dir / "answer").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in ("generic", "why_generic"):
            text = data.get(key)
            if isinstance(text, str) and "{" not in text:
                found.add(_fold(text))
    return frozenset(found)


def _shorten(parts: list[str], language: str) -> str:
    """At most two parts within :data:`DOES_CHARS`, joined; lower case after the name but in
    German (nouns) and for acronyms."""
    picked: list[str] = []
    for part in parts:
        if part and (not picked or len(", ".join([*picked, part])) <= DOES_CHARS):
            picked.append(part)
        if len(picked) == 2:
            break
    text = ", ".join(picked)
    if language == "de" or not text[1:2].islower():
        return text
    return text[:1].lower() + text[1:]


class VoiceDomain:
    """Categories of the corpus' institutions and the glossary's needs."""

    def __init__(
        self,
        *,
        glossary: Glossary,
        records: Mapping[str, Institution],
        vocabulary: RecognitionVocabulary | None = None,
        labels: dict[str, frozenset[str]] | None = None,
        generic: frozenset[str] = frozenset(),
    ) -> None:
        self.glossary = glossary
        self.records = records
        self.vocabulary = vocabulary
        self.labels = labels or {}
        self.generic = generic

    @classmethod
    def load(
        cls,
        *,
        glossary: Glossary,
        glossary_path: Path,
        records: Mapping[str, Institution],
        prompts_dir: Path | None = None,
    ) -> VoiceDomain:
        """The domain with its recognition vocabulary (communes from ``corpora/communes.yaml``)."""
        table = load_communes()
        places = [c.name for c in table.communes]
        places += [loc.name for c in table.communes for loc in c.localities if loc.former_commune]
        places += [loc.name for c in table.communes for loc in c.localities]
        vocabulary = build_vocabulary(
            french_needs=glossary_french_needs(glossary_path),
            records=records,
            places=list(dict.fromkeys(places)),
        )
        return cls(
            glossary=glossary,
            records=records,
            vocabulary=vocabulary,
            labels=_labels(VOCABULARY_PATH),
            generic=_generic_whys(prompts_dir or PROMPTS_DIR),
        )

    def card_does(self, result: AskResponse) -> dict[str, str]:
        """Institution id → what its card says it does, for the cards where that is in the
        caller's language (the spoken answer says a category phrase for the others).

        A card's ``why`` is in the answer's language when it is made of the service
        vocabulary's labels of that language; a ``why`` that quotes the records' French
        services ("X peut vous aider pour : …") only when the answer is in French.
        """
        out: dict[str, str] = {}
        for card in result.institutions:
            does = self._does(card, result.language)
            if does:
                out[card.id] = does
        return out

    def _does(self, card: InstitutionCard, language: str) -> str | None:
        why = _YEAR.sub("", _PARENTHESES.sub("", _CITATIONS.sub("", card.why))).strip()
        if language == CORPUS_LANGUAGE:
            for pattern, words in _SHORTHAND:
                why = pattern.sub(words, why)
        if not why or _fold(why) in self.generic:
            return None
        if card.name in card.why:  # "X peut vous aider pour : a; b." around French services
            _head, _, services = why.partition(" : ")
            if language != CORPUS_LANGUAGE or not services:
                return None
            return _shorten(_PARTS.split(services.strip(" .")), language) or None
        parts = [p.strip(" .") for p in _PARTS.split(why.strip(" ."))]
        labels = self.labels.get(language, frozenset())
        if language != CORPUS_LANGUAGE and not all(_fold(p) in labels for p in parts):
            return None
        return _shorten(parts, language) or None

    def hints(self, language: str | None) -> RecognitionHints:
        """Recognition hints for a recording in ``language`` (none when unknown)."""
        if self.vocabulary is None:
            return NO_HINTS
        return self.vocabulary.hints(language)

    def card_categories(self, result: AskResponse, question: str) -> dict[str, str]:
        """Institution id → the category to say each card of ``result`` helps with."""
        needs = self.glossary.categories(question)
        main = self.glossary.category(question)
        out: dict[str, str] = {}
        for card in result.institutions:
            record = self.records.get(card.id)
            own = list(record.categories) if record is not None else []
            if main is not None and main in own:
                out[card.id] = main
            else:
                served = [c for c in own if c in needs]
                out[card.id] = (served or own or [UNKNOWN_CATEGORY])[0]
        return out
