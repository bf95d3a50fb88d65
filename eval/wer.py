"""Word error rate of a transcript against the sentence that was spoken.

One definition for the eval's voice channel and the voice benchmark, so their figures agree:
words are ``\\w+`` runs after lower-casing and removing combining marks (accents, Arabic short
vowels), because a transcript that writes "Neuchatel" for "Neuchâtel" routes the same.
The edit distance is rapidfuzz's Levenshtein over word sequences (substitution, insertion and
deletion all cost 1).
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import Levenshtein

__all__ = ["normalised_words", "word_error_rate"]

_WORD = re.compile(r"\w+")


def normalised_words(text: str) -> list[str]:
    """The words of ``text``, lower-cased, without accents or punctuation."""
    folded = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(c for c in folded if not unicodedata.combining(c))
    return _WORD.findall(unicodedata.normalize("NFC", stripped))


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word edits needed to turn ``reference`` into ``hypothesis``, over the reference's words.

    Can exceed 1 when the hypothesis has many extra words. An empty reference scores 0 against
    an empty hypothesis and 1 against anything else.
    """
    ref, hyp = normalised_words(reference), normalised_words(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(ref, hyp) / len(ref)
