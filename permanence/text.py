"""Text folding shared by every keyword matcher (safety lexicon, glossary of needs).

Patterns and questions must be folded the same way or a pattern silently stops matching, so
there is one function: lower case, no accents or Arabic vowel marks, one spelling of the
Arabic-script letters that Arabic and Persian keyboards write differently, zero-width joiners
resolved (Persian writes "می‌خواهم" with one, "میخواهم" or "می خواهم" without).
"""

from __future__ import annotations

import unicodedata

__all__ = ["fold"]

_REPLACEMENTS = str.maketrans(
    {
        "’": "'",
        "ʼ": "'",
        "`": "'",
        "ي": "ی",
        "ى": "ی",
        "ك": "ک",
        "ة": "ه",
        "ـ": None,
        "\u200c": " ",
        "\u200d": None,
        "\u200b": None,
    }
)


def fold(text: str) -> str:
    """Lower-case, strip accents and vowel marks, unify letter variants (non-Latin kept)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept).translate(_REPLACEMENTS)
