"""Triage before retrieval: immediate danger first, then questions outside the assistant's job.

A keyword lexicon (``prompts/safety.yaml``) rather than a model: it is auditable by the
network's professionals, it never misses a phrase it lists, and it runs in microseconds. The
lexicon is matched on the question lower-cased and stripped of accents.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

__all__ = ["SafetyLexicon", "Triage", "fold"]


def fold(text: str) -> str:
    """Lower-case and strip accents (but keep non-Latin letters as they are)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept).replace("’", "'")


@dataclass(frozen=True, slots=True)
class Triage:
    """The verdict: ``emergency`` (with reasons and numbers), ``out_of_scope`` or ``ok``."""

    verdict: str
    reasons: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    numbers: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]


class SafetyLexicon:
    """Loaded from a YAML file; ``triage(question)`` is pure and cheap."""

    def __init__(self, path: Path) -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self._emergencies = tuple(
            _Rule(
                name=name,
                numbers=tuple(str(n) for n in rule["numbers"]),
                patterns=tuple(re.compile(fold(p)) for p in rule["patterns"]),
            )
            for name, rule in data["emergency"].items()
        )
        scope = data["out_of_scope"]
        self._injection = tuple(re.compile(fold(p)) for p in scope["injection"])
        self._offtopic = tuple(re.compile(fold(p)) for p in scope["offtopic"])

    def triage(self, question: str) -> Triage:
        folded = fold(question)
        reasons: list[str] = []
        numbers: list[str] = []
        for rule in self._emergencies:
            if any(p.search(folded) for p in rule.patterns):
                reasons.append(rule.name)
                numbers.extend(n for n in rule.numbers if n not in numbers)
        if reasons:
            return Triage("emergency", tuple(reasons), tuple(numbers))
        if any(p.search(folded) for p in self._injection):
            return Triage("out_of_scope", ("injection",))
        if any(p.search(folded) for p in self._offtopic):
            return Triage("out_of_scope", ("offtopic",))
        return Triage("ok")
