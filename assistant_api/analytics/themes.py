"""The theme of an answered question, for grouping blind spots ("angles morts").

An emergency is filed under ``urgence``; an orientation under the first category of the
institution it put first; any other answer (no answer, out of scope, an orientation without an
institution) under the category of the most specific need the glossary finds in the question
(:meth:`index.Glossary.category`), because nothing else says what it was about — and that is
exactly the case the network needs to see. The glossary is the one keyword lexicon of needs:
the retriever expands queries with it, so a theme matches the same words in all 13 languages
and "ma rente AVS" is a pension, not housing.

Only the theme is kept: the question itself reaches the analytics store redacted, or not at
all when it is sensitive (:meth:`ThemeClassifier.is_sensitive`, ``sensitive.py``), and nothing
here keeps or logs it.
"""

from __future__ import annotations

from collections.abc import Mapping

from assistant_api.analytics.sensitive import (
    SENSITIVE_THEMES,
    names_health_condition,
    without_health_insurance,
)
from assistant_api.models import AskResponse
from index import Glossary
from ingest import Institution

__all__ = ["EMERGENCY_THEME", "UNKNOWN_THEME", "ThemeClassifier"]

#: The theme of an emergency answer, whatever it was about.
EMERGENCY_THEME = "urgence"
#: The theme of a question that names no need the glossary knows.
UNKNOWN_THEME = "inconnu"


class ThemeClassifier:
    """The answer's first institution when there is one, else the glossary's need."""

    def __init__(self, glossary: Glossary, *, records: Mapping[str, Institution]) -> None:
        self._glossary = glossary
        self._records = records

    def by_needs(self, question: str) -> str:
        """The category of the most specific need ``question`` names, or ``UNKNOWN_THEME``."""
        return self._glossary.category(question) or UNKNOWN_THEME

    def classify(self, question: str, response: AskResponse) -> str:
        if response.kind == "emergency":
            return EMERGENCY_THEME
        if response.kind == "orientation" and response.institutions:
            record = self._records.get(response.institutions[0].id)
            if record is not None and record.categories:
                return record.categories[0]
        return self.by_needs(question)

    def known_institution(self, institution_id: str | None) -> str | None:
        """``institution_id`` if it names an institution of the corpus, else ``None``: the id a
        client sends with feedback is free text to the store ("marie-dupont-0791234567")."""
        return institution_id if institution_id in self._records else None

    def is_sensitive(self, text: str, *, emergency: bool = False) -> bool:
        """Do ``text``'s words name health, addiction, disability or violence, or was it an
        emergency? Then the analytics keep its theme and not its words.

        Only the person's words count, not the institution the answer put first: a rent
        question misrouted to a helpline is a blind spot the network must still be able to read.
        """
        words = without_health_insurance(text)
        if emergency or self._glossary.categories(words) & SENSITIVE_THEMES:
            return True
        return names_health_condition(words)
