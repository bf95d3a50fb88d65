"""Voice transcripts matched to the domain before retrieval (issue #21).

:func:`build_matcher` reads the corpus once (communes, glossary of needs, the caller-language
phrases) and returns a :class:`TranscriptMatcher`; the voice channel runs it on every
transcript in the caller's language and asks for a read-back
(:mod:`~assistant_api.voice.normalise.read_back`) when it guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from assistant_api.voice.normalise.matcher import Correction, TranscriptMatch, TranscriptMatcher
from assistant_api.voice.normalise.phonetic import PhoneticKeys
from assistant_api.voice.normalise.read_back import (
    MIN_WORD_CONFIDENCE,
    confirm_sentence,
    needs_read_back,
    read_back,
)
from assistant_api.voice.normalise.vocabulary import build_vocabulary, language_texts
from index import Glossary
from ingest.corpus import CommuneTable, load_communes
from permanence.settings import PROJECT_ROOT

__all__ = [
    "MIN_WORD_CONFIDENCE",
    "SERVICES_PATH",
    "Correction",
    "PhoneticKeys",
    "TranscriptMatch",
    "TranscriptMatcher",
    "build_matcher",
    "confirm_sentence",
    "needs_read_back",
    "read_back",
]

#: The service vocabulary whose labels give need words in every language.
SERVICES_PATH = PROJECT_ROOT / "corpora" / "vocabulary" / "services.yaml"


def build_matcher(
    *,
    glossary: Glossary,
    glossary_path: Path,
    languages: Iterable[str],
    communes: CommuneTable | None = None,
    services_path: Path = SERVICES_PATH,
    keys: PhoneticKeys | None = None,
) -> TranscriptMatcher:
    """A matcher for ``languages`` (one espeak-ng batch per language, well under a second)."""
    keys = keys or PhoneticKeys()
    table = communes or load_communes()
    texts = language_texts(glossary_path=glossary_path, services_path=services_path)
    vocabularies = {
        language: build_vocabulary(
            language, texts=texts.get(language, ()), glossary=glossary, communes=table, keys=keys
        )
        for language in languages
    }
    return TranscriptMatcher(vocabularies, glossary=glossary, keys=keys)
