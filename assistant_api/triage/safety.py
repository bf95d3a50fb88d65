"""Triage before retrieval: immediate danger first, then questions outside the assistant's job.

The first layer is a keyword lexicon (``prompts/safety.yaml``): it is auditable by the
network's professionals, it never misses a phrase it lists, and it runs in microseconds. The
lexicon is matched on the question folded by :func:`fold` (lower case, no accents, one spelling
of the Arabic-script letters that Arabic and Persian keyboards write differently). A lexicon does
not generalise to phrasings nobody listed, so questions it leaves ``ok`` go to a second layer,
the prototype classifier of :mod:`assistant_api.triage.emergency`, which reuses this file's numbers.

The file also lists what is not Permanence's job (injections, off-topic requests); whether a
question is out of scope is decided by :mod:`assistant_api.triage.scope`, which reads those
patterns.
The file is read by the shared lexicon loader (:mod:`permanence.lexicon`): a malformed rule or
an invalid regex is a load error that names the rule and the pattern.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field

from assistant_api.triage.scope import Scope
from permanence import fold
from permanence.lexicon import FoldedPattern, LexiconModel, load_lexicon

__all__ = ["SafetyLexicon", "Triage", "fold"]


@dataclass(frozen=True, slots=True)
class Triage:
    """The verdict: ``emergency`` (with reasons and numbers), ``out_of_scope`` or ``ok``.

    ``layer`` says which layer decided: ``lexicon`` (a listed phrase) or ``classifier``
    (:mod:`assistant_api.triage.emergency`, a question close to the danger prototypes).
    """

    verdict: str
    reasons: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    layer: str = "lexicon"
    #: Dangers the lexicon recognised as described but not happening now ("he hits me when he
    #: drinks"): the verdict stays ``ok`` (an orientation, no alarm), the classifier may raise
    #: another danger but not overrule this one, and the answer keeps the rule's numbers as a
    #: plain last line.
    described: tuple[str, ...] = ()
    described_numbers: tuple[str, ...] = ()


_Pattern = FoldedPattern


class _Rule(LexiconModel):
    """One danger: its emergency numbers, the phrases that signal it, the ones that do not."""

    numbers: tuple[str, ...] = Field(min_length=1)
    #: Ids of the institution records that take over once the emergency line has answered
    #: (victim support and its shelter after violence), listed after the numbers.
    follow: tuple[str, ...] = ()
    #: Its numbers go before those of the other dangers found with it: a body in danger calls
    #: for the ambulance first ("elle s'est ouvert les veines": 144, then La Main Tendue).
    first: bool = False
    patterns: tuple[_Pattern, ...] = Field(min_length=1)
    #: Text these match is removed before ``patterns`` are tried (past or topic-only mentions).
    unless: tuple[_Pattern, ...] = ()
    #: Acts that are an emergency only when one of ``now`` says they are happening now or about
    #: to ("il me frappe" alone is a person describing their life; "il me frappe, là,
    #: maintenant" is a call for the police).
    only_now: tuple[_Pattern, ...] = ()
    now: tuple[_Pattern, ...] = ()

    def verdict(self, folded: str) -> Literal["emergency", "described", "no"]:
        """``emergency``, or ``described`` (an ``only_now`` act without a sign of now)."""
        for exception in self.unless:
            folded = exception.sub(" ", folded)
        if any(p.search(folded) for p in self.patterns):
            return "emergency"
        if any(p.search(folded) for p in self.only_now):
            return "emergency" if any(p.search(folded) for p in self.now) else "described"
        return "no"


class _OutOfScope(LexiconModel):
    injection: tuple[_Pattern, ...]
    offtopic: tuple[_Pattern, ...]


class _SafetyFile(LexiconModel):
    emergency: dict[str, _Rule] = Field(min_length=1)
    out_of_scope: _OutOfScope


class SafetyLexicon:
    """Loaded from a YAML file; ``triage(question)`` is pure and cheap.

    The file's ``out_of_scope`` section is evidence for :class:`~assistant_api.triage.scope.Scope`,
    which decides scope; this class only decides danger.
    """

    def __init__(self, path: Path) -> None:
        data = load_lexicon(path, _SafetyFile)
        self._emergencies = data.emergency
        self._scope = Scope(
            injection=data.out_of_scope.injection, offtopic=data.out_of_scope.offtopic
        )

    @property
    def scope(self) -> Scope:
        """The scope decision, built on this file's ``out_of_scope`` patterns."""
        return self._scope

    @property
    def dangers(self) -> tuple[str, ...]:
        """The names of the emergency rules (suicide, violence, …), in file order."""
        return tuple(self._emergencies)

    def numbers_for(self, danger: str) -> tuple[str, ...]:
        """The numbers of the emergency rule ``danger``, so other layers reuse this file's."""
        rule = self._emergencies.get(danger)
        if rule is None:
            raise ValueError(
                f"no emergency rule {danger!r} in the lexicon; use one of {self.dangers}"
            )
        return rule.numbers

    def follow_for(self, dangers: tuple[str, ...]) -> tuple[str, ...]:
        """The records that follow the numbers of ``dangers`` (unknown names have none)."""
        ids: list[str] = []
        for danger in dangers:
            rule = self._emergencies.get(danger)
            if rule is not None:
                ids.extend(i for i in rule.follow if i not in ids)
        return tuple(ids)

    def triage(self, question: str) -> Triage:
        """Emergency (any rule), else out of scope (as :class:`Scope` decides), else ``ok``."""
        folded = fold(question)
        reasons: list[str] = []
        numbers: list[str] = []
        described: list[str] = []
        described_numbers: list[str] = []
        rules = sorted(self._emergencies.items(), key=lambda item: not item[1].first)
        for name, rule in rules:
            verdict = rule.verdict(folded)
            if verdict == "emergency":
                reasons.append(name)
                numbers.extend(n for n in rule.numbers if n not in numbers)
            elif verdict == "described":
                described.append(name)
                described_numbers.extend(n for n in rule.numbers if n not in described_numbers)
        if reasons:
            return Triage("emergency", tuple(reasons), tuple(numbers))
        if described:  # violence described is never refused, whatever else the text says
            return Triage(
                "ok", described=tuple(described), described_numbers=tuple(described_numbers)
            )
        refusal = self._scope.refusal(folded)
        if refusal is not None:
            return Triage("out_of_scope", (refusal,))
        return Triage("ok")

    def is_injection(self, text: str) -> bool:
        """Whether ``text`` tries to give the assistant instructions (also used on documents)."""
        return self._scope.is_injection(fold(text))
