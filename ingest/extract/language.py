"""The language of a document: what the page declares, else what its text looks like.

A declared ``<html lang>`` is cheap and usually right on institutional sites; identification
(heliport, 2.5 s to load, so loaded once and only when a page declares nothing) covers PDFs and
pages without the attribute.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Protocol

__all__ = ["detect_language", "normalize_language", "warm_up_language"]

logger = logging.getLogger(__name__)

_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_].*)?$")
#: ISO 639-3 codes heliport returns → the ISO 639-1 codes the rest of the project uses.
_ISO3_TO_ISO1 = {
    "fra": "fr",
    "deu": "de",
    "eng": "en",
    "ita": "it",
    "spa": "es",
    "por": "pt",
    "sqi": "sq",
    "als": "sq",
    "srp": "sr",
    "hrv": "hr",
    "bos": "bs",
    "tur": "tr",
    "ara": "ar",
    "tir": "ti",
    "fas": "fa",
    "pes": "fa",
    "prs": "fa",
    "ukr": "uk",
    "rus": "ru",
    "tam": "ta",
    "roh": "rm",
    "nld": "nl",
    "pol": "pl",
    "ron": "ro",
    "som": "so",
    "amh": "am",
    "kur": "ku",
    "kmr": "ku",
}
#: Below this many characters identification is a coin toss; say "unknown" instead.
MIN_CHARS_TO_IDENTIFY = 40


class _Identifier(Protocol):
    def identify(self, text: str) -> str: ...


def normalize_language(tag: str | None) -> str | None:
    """``fr`` from ``fr-CH``, ``FR`` or ``fra``; ``None`` for empty or malformed tags."""
    if not tag or not _TAG.match(tag.strip()):
        return None
    primary = re.split(r"[-_]", tag.strip().lower())[0]
    return _ISO3_TO_ISO1.get(primary, primary if len(primary) == 2 else None)


@lru_cache(maxsize=1)
def _identifier() -> _Identifier | None:
    try:
        import heliport
    except ImportError:
        logger.warning(
            "heliport is not installed; documents without a declared language stay unknown"
        )
        return None
    identifier: _Identifier = heliport.Identifier()
    return identifier


def warm_up_language() -> None:
    """Load the identifier once (idempotent); call before latency-sensitive work starts."""
    _identifier()


def detect_language(declared: str | None, text: str) -> str | None:
    """The declared language when valid, else the identified one, else ``None``."""
    language = normalize_language(declared)
    if language is not None:
        return language
    sample = " ".join(text.split())[:2000]
    if len(sample) < MIN_CHARS_TO_IDENTIFY:
        return None
    identifier = _identifier()
    return None if identifier is None else normalize_language(identifier.identify(sample))
