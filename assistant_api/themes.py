"""The theme of an answered question, for grouping blind spots ("angles morts").

An orientation is filed under the first category of the institution it put first; a question
that found nothing is filed by keywords (``prompts/themes.yaml``), because nothing else says
what it was about — and that is exactly the case the network needs to see.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import yaml

from assistant_api.models import AskResponse
from assistant_api.safety import fold
from ingest import CATEGORIES, Institution

__all__ = ["UNKNOWN_THEME", "ThemeClassifier"]

UNKNOWN_THEME = "inconnu"


class ThemeClassifier:
    """Keyword lexicon plus the categories of the institution records."""

    def __init__(self, path: Path, *, records: Mapping[str, Institution]) -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        unknown = sorted(set(data) - set(CATEGORIES))
        if unknown:
            raise ValueError(
                f"{path}: unknown categories {unknown}; allowed: {', '.join(CATEGORIES)}"
            )
        self._rules: list[tuple[str, tuple[re.Pattern[str], ...]]] = [
            (str(theme), tuple(re.compile(fold(p)) for p in patterns))
            for theme, patterns in data.items()
        ]
        self._records = records

    def by_keywords(self, question: str) -> str:
        folded = fold(question)
        for theme, patterns in self._rules:
            if any(p.search(folded) for p in patterns):
                return theme
        return UNKNOWN_THEME

    def classify(self, question: str, response: AskResponse) -> str:
        if response.kind == "emergency":
            return "urgence"
        if response.kind == "orientation" and response.institutions:
            record = self._records.get(response.institutions[0].id)
            if record is not None and record.categories:
                return record.categories[0]
        return self.by_keywords(question)
