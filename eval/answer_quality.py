"""What a person reads: the answer's language purity, length, and whether it can be acted on.

Retrieval metrics say whether the right institution was found; these say whether someone who
reads no French can use the answer (issue 17). Purity looks only at the answer's own prose:
institution names (bold), quoted source excerpts («…», ``>`` lines), addresses, links, e-mails
and numbers are facts in the language of the source and are taken out of a line before it is
judged. A line with fewer than :data:`MIN_PROSE_WORDS` words left is not prose.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from assistant_api import LanguageDetector

__all__ = ["MIN_PROSE_WORDS", "answer_words", "language_purity", "prose_lines"]

#: Below this many words the identifier guesses French for any Latin text (triage/language.py's
#: MIN_WORDS_FOR_MODEL), so shorter remainders are not judged at all.
MIN_PROSE_WORDS = 3

_EXCLUDED = (
    re.compile(r"\*\*[^*]+\*\*"),  # institution names
    re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\""),  # quoted source excerpts
    re.compile("\u2068[^\u2069]*\u2069"),  # isolated spans: names, numbers, e-mails in RTL text
    re.compile(r"https?://\S+|www\.\S+"),
    re.compile(r"\S+@\S+"),
    re.compile(r"[^·|]*\b\d{4}\s+[A-ZÀ-Ý][^·|]*"),  # an address: the part with a postal code
    re.compile(r"\[\d+(?:\s*[,;]\s*\d+)*\]"),  # citation markers
    re.compile(r"[+\d][\d ()./:-]{2,}"),  # phones, hours, dates
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def prose_lines(answer: str) -> list[str]:
    """The answer's own sentences, with names, quotes, addresses, links and numbers taken out."""
    lines: list[str] = []
    for raw in answer.splitlines():
        line = raw.strip()
        if not line or line.startswith(">"):
            continue
        for pattern in _EXCLUDED:
            line = pattern.sub(" ", line)
        if len(_WORD.findall(line)) >= MIN_PROSE_WORDS:
            lines.append(" ".join(line.split()))
    return lines


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    return LanguageDetector()


def language_purity(
    answer: str, language: str, *, detect: Callable[[str], str] | None = None
) -> float | None:
    """Share of the prose lines of ``answer`` identified as ``language``; ``None`` if none."""
    lines = prose_lines(answer)
    if not lines:
        return None
    identify = detect or _detector().detect
    return sum(1 for line in lines if identify(line) == language) / len(lines)


def answer_words(answer: str) -> int:
    """Words a person reads: letters-only tokens, so ``[1]`` and ``+41 32`` are not words."""
    return len(_WORD.findall(answer))
