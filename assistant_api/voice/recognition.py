"""Recognition tuned to the domain: what Whisper is told to expect, per language.

Whisper base mishears the words that matter most on a social hotline ("loyer" → "vieille",
"Fleurier" → "ferrie", "hits me" → "tips me"). faster-whisper takes two kinds of hints:

- ``initial_prompt``: text "said before" the recording, in the caller's language; it biases
  the vocabulary and the style of the transcript. Here: the needs of the glossary
  (``corpora/glossary.yaml``) as the voice says them in that language (the category phrases
  of :mod:`~assistant_api.voice.ear_phrases`), and for French the glossary's own French words.
- ``hotwords``: words to favour, whatever the language: the communes and villages of the canton
  (``corpora/communes.yaml``) and the institutions' acronyms.

Both are built and measured, and both are left off (:data:`USE_PROMPT`, :data:`USE_HOTWORDS`):
on espeak-ng telephone audio Whisper base echoes them into the transcript of what it cannot
read. The language chosen in the menu is still forced, which does help.

Hints are given only when the language is known (chosen in the phone menu, or the ``language``
field of ``/v1/voice``): a French prompt would pull a German caller's transcript towards
French. Whisper's prompt shares the decoder's 448 tokens with the transcript, so
:data:`MAX_PROMPT_TOKENS` bounds both hints together (the transcriber trims the hotwords).
The effect of each hint is measured in ``eval/bench/recognition.py`` (docs/voice.md).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant_api.voice.ear_phrases import ear_phrases
from ingest import Institution

__all__ = [
    "MAX_PROMPT_TOKENS",
    "NEED_CATEGORIES",
    "NO_HINTS",
    "USE_HOTWORDS",
    "USE_PROMPT",
    "RecognitionHints",
    "RecognitionVocabulary",
    "build_vocabulary",
    "glossary_french_needs",
]

#: Hotwords are built but not used: as a list of places and acronyms, Whisper base echoed them
#: into transcripts of unclear audio ("La Chaux-du-Milieu Peseux Corcelles-Cormondrèche"); on
#: 36 espeak clips at 8 kHz WER went from 0.81 to 1.92 and spoken hit@3 from 0.39 to 0.24
#: (eval/bench/recognition.py, docs/voice.md).
USE_HOTWORDS = False
#: The initial prompt is built and measured, and left off too: on 60 espeak clips at 8 kHz
#: (5 per language) it took WER from 0.94 to 1.15 and spoken hit@3 from 0.38 to 0.32 — Whisper
#: base repeats the prompt's phrases over audio it cannot read ("Щодо роботи і …" five
#: times). Forcing the language is the lever that helps (docs/voice.md).
USE_PROMPT = False
#: Tokens both hints may take together: Whisper's decoder holds 448, the transcript needs up
#: to ``transcriber.MAX_NEW_TOKENS`` (224), and the prompt's special tokens a few.
MAX_PROMPT_TOKENS = 200
#: Needs named in every language's prompt, most served first: the corpus categories with the
#: most institutions (``build_vocabulary`` orders them; this bounds how many).
NEED_CATEGORIES = 10
#: Places in the hotwords: the 24 communes, then the former communes (Fleurier, Couvet…), then
#: other localities; the token bound cuts the list where it must.
MAX_PLACES = 90
_ACRONYM = re.compile(r"^[A-ZÀ-Ý][A-ZÀ-Ý0-9-]{1,7}$")
_LEADING_ARTICLE = re.compile(r"^(?:Pour|For|Für|Bei|Per|Para|Zu)\s+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RecognitionHints:
    """What Whisper is told to expect for one recording (``None``: nothing)."""

    initial_prompt: str | None = None
    hotwords: str | None = None


NO_HINTS = RecognitionHints()


class RecognitionVocabulary:
    """The hints of each language, built once from the corpus."""

    def __init__(
        self,
        *,
        needs: Mapping[str, Sequence[str]],
        places: Sequence[str],
        names: Sequence[str],
    ) -> None:
        self._needs = {language: list(phrases) for language, phrases in needs.items()}
        self._hotwords = " ".join(dict.fromkeys([*places, *names]))

    @property
    def hotwords(self) -> str:
        return self._hotwords

    def prompt(self, language: str) -> str | None:
        phrases = self._needs.get(language)
        return ". ".join(phrases) + "." if phrases else None

    def hints(
        self, language: str | None, *, prompt: bool = USE_PROMPT, hotwords: bool = USE_HOTWORDS
    ) -> RecognitionHints:
        """The hints for a recording in ``language`` (none when it is not known)."""
        if language is None:
            return NO_HINTS
        return RecognitionHints(
            initial_prompt=self.prompt(language) if prompt else None,
            hotwords=(self._hotwords or None) if hotwords else None,
        )


def _short_names(records: Iterable[Institution]) -> list[str]:
    """The acronyms callers say ("ORP", "SAVI", "OCAB"), as the records give them."""
    names = [r.acronym for r in records if r.acronym and _ACRONYM.match(r.acronym)]
    return list(dict.fromkeys(names))


def glossary_french_needs(path: Path) -> list[str]:
    """The first French word of each need of the glossary ("loyer", "dettes", "chômage"…)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    words: list[str] = []
    for concept in (data.get("concepts") or {}).values():
        first = next((w for w in str(concept.get("fr", "")).split() if len(w) >= 3), None)
        if first is not None:
            words.append(first)
    return list(dict.fromkeys(words))


def build_vocabulary(
    *,
    french_needs: Sequence[str],
    records: Mapping[str, Institution],
    places: Sequence[str],
) -> RecognitionVocabulary:
    """Hints from the glossary's needs, the records and the canton's place names.

    Args:
        french_needs: the glossary's French words of each need (:func:`glossary_french_needs`);
            the French prompt names them all, the other languages the most served categories
            in their own words.
        places: commune names first, then villages and former communes.
    """
    served = Counter(c for record in records.values() for c in record.categories)
    categories = [c for c, _ in served.most_common() if c not in {"autres", "urgence"}]
    categories = categories[:NEED_CATEGORIES]
    needs: dict[str, list[str]] = {
        language: [_LEADING_ARTICLE.sub("", phrases.categories[c]).rstrip(",") for c in categories]
        for language, phrases in ear_phrases().items()
    }
    needs["fr"] = [", ".join(french_needs)] if french_needs else needs["fr"]
    return RecognitionVocabulary(
        needs=needs,
        places=list(places)[:MAX_PLACES],
        names=_short_names(records.values()),
    )
