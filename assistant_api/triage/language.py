"""Which language a question is written in, among the languages Permanence answers in.

heliport (the only packaged identifier that knows Tigrinya) restricted to our languages made no
error on the checks of ../shared/docs/offline-models.md. Scripts settle most non-Latin cases
before any model; one or two Latin words fall back to French, the canton's language, because
no identifier is reliable there ("loyer" is Luxembourgish to heliport).
"""

from __future__ import annotations

import re
import threading
import unicodedata

__all__ = ["RTL_LANGUAGES", "SUPPORTED_LANGUAGES", "LanguageDetector"]

#: Languages with answer templates in prompts/answer/; French first (the fallback).
SUPPORTED_LANGUAGES: tuple[str, ...] = (
    "fr",
    "de",
    "it",
    "en",
    "pt",
    "es",
    "ar",
    "uk",
    "ru",
    "fa",
    "sq",
    "tr",
    "ti",
)
RTL_LANGUAGES: frozenset[str] = frozenset({"ar", "fa"})

#: heliport's ISO 639-3 codes (and close varieties) mapped to ours.
_HELIPORT_CODES: dict[str, str] = {
    "fra": "fr",
    "deu": "de",
    "gsw": "de",
    "ltz": "de",
    "ita": "it",
    "eng": "en",
    "sco": "en",
    "por": "pt",
    "spa": "es",
    "ara": "ar",
    "arb": "ar",
    "ary": "ar",
    "arz": "ar",
    "apc": "ar",
    "ukr": "uk",
    "rus": "ru",
    "pes": "fa",
    "fas": "fa",
    "prs": "fa",
    "sqi": "sq",
    "als": "sq",
    "tur": "tr",
    "tir": "ti",
}
#: Fewer Latin-script words than this and the detector does not trust statistics.
MIN_WORDS_FOR_MODEL = 3
_PERSIAN_LETTERS = set("پچژگکی")
_UKRAINIAN_LETTERS = set("єіїґ")
_RUSSIAN_LETTERS = set("ыэъё")
_WORD = re.compile(r"\w+", re.UNICODE)


def _script_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        script = name.split(" ", 1)[0] if name else "UNKNOWN"
        counts[script] = counts.get(script, 0) + 1
    return counts


class LanguageDetector:
    """Detects one of :data:`SUPPORTED_LANGUAGES`; never fails, French when unsure."""

    def __init__(self, supported: tuple[str, ...] = SUPPORTED_LANGUAGES) -> None:
        self._supported = supported
        self._model: object | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._model is None:
                import heliport

                self._model = heliport.Identifier()

    def detect(self, text: str) -> str:
        """The language code of ``text``."""
        lowered = text.lower()
        scripts = _script_counts(lowered)
        if not scripts:
            return self._supported[0]
        dominant = max(scripts, key=lambda s: scripts[s])
        if dominant == "ETHIOPIC" and "ti" in self._supported:
            return "ti"
        if dominant == "ARABIC":
            if any(c in _PERSIAN_LETTERS for c in lowered) and "fa" in self._supported:
                return "fa"
            return "ar" if "ar" in self._supported else self._model_guess(text)
        if dominant == "CYRILLIC":
            if any(c in _UKRAINIAN_LETTERS for c in lowered):
                return "uk"
            if any(c in _RUSSIAN_LETTERS for c in lowered):
                return "ru"
            guess = self._model_guess(text, restrict=("uk", "ru"))
            return guess if guess in ("uk", "ru") else "ru"
        if len(_WORD.findall(text)) < MIN_WORDS_FOR_MODEL:
            return self._supported[0]
        return self._model_guess(text)

    def _model_guess(self, text: str, restrict: tuple[str, ...] | None = None) -> str:
        self.warm_up()
        allowed = set(restrict or self._supported)
        with self._lock:
            ranked = self._model.identify_topk_with_score(text, 400)  # type: ignore[union-attr]
        for code, _score in ranked:
            mapped = _HELIPORT_CODES.get(code)
            if mapped in allowed:
                return mapped
        return self._supported[0]
