"""Triage before retrieval: immediate danger first, then questions outside the assistant's job.

The first layer is a keyword lexicon (``prompts/safety.yaml``): it is auditable by the
network's professionals, it never misses a phrase it lists, and it runs in microseconds. The
lexicon is matched on the question folded by :func:`fold` (lower case, no accents, one spelling
of the Arabic-script letters that Arabic and Persian keyboards write differently). A lexicon does
not generalise to phrasings nobody listed, so questions it leaves ``ok`` go to a second layer,
the prototype classifier of :mod:`assistant_api.emergency`, which reuses this file's numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from permanence import fold

__all__ = ["SafetyLexicon", "Triage", "fold"]


@dataclass(frozen=True, slots=True)
class Triage:
    """The verdict: ``emergency`` (with reasons and numbers), ``out_of_scope`` or ``ok``.

    ``layer`` says which layer decided: ``lexicon`` (a listed phrase) or ``classifier``
    (:mod:`assistant_api.emergency`, a question close to the danger prototypes).
    """

    verdict: str
    reasons: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    layer: str = "lexicon"


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    numbers: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...] = ()

    def matches(self, folded: str) -> bool:
        for exception in self.unless:
            folded = exception.sub(" ", folded)
        return any(p.search(folded) for p in self.patterns)


def _compile(patterns: list[str], path: Path) -> tuple[re.Pattern[str], ...]:
    compiled: list[re.Pattern[str]] = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(fold(pattern)))
        except re.error as exc:
            raise ValueError(f"{path}: bad pattern {pattern!r}: {exc}; fix the regex") from exc
    return tuple(compiled)


class SafetyLexicon:
    """Loaded from a YAML file; ``triage(question)`` is pure and cheap."""

    def __init__(self, path: Path) -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self._emergencies = tuple(
            _Rule(
                name=name,
                numbers=tuple(str(n) for n in rule["numbers"]),
                patterns=_compile(rule["patterns"], path),
                unless=_compile(rule.get("unless", []), path),
            )
            for name, rule in data["emergency"].items()
        )
        scope = data["out_of_scope"]
        self._injection = _compile(scope["injection"], path)
        self._offtopic = _compile(scope["offtopic"], path)

    @property
    def dangers(self) -> tuple[str, ...]:
        """The names of the emergency rules (suicide, violence, …), in file order."""
        return tuple(rule.name for rule in self._emergencies)

    def numbers_for(self, danger: str) -> tuple[str, ...]:
        """The numbers of the emergency rule ``danger``, so other layers reuse this file's."""
        for rule in self._emergencies:
            if rule.name == danger:
                return rule.numbers
        raise ValueError(f"no emergency rule {danger!r} in the lexicon; use one of {self.dangers}")

    def triage(self, question: str) -> Triage:
        """Emergency (any rule), else out of scope (injection, off-topic), else ``ok``."""
        folded = fold(question)
        reasons: list[str] = []
        numbers: list[str] = []
        for rule in self._emergencies:
            if rule.matches(folded):
                reasons.append(rule.name)
                numbers.extend(n for n in rule.numbers if n not in numbers)
        if reasons:
            return Triage("emergency", tuple(reasons), tuple(numbers))
        if self.is_injection(question):
            return Triage("out_of_scope", ("injection",))
        if any(p.search(folded) for p in self._offtopic):
            return Triage("out_of_scope", ("offtopic",))
        return Triage("ok")

    def is_injection(self, text: str) -> bool:
        """Whether ``text`` tries to give the assistant instructions (also used on documents)."""
        folded = fold(text)
        return any(p.search(folded) for p in self._injection)
