"""Scores of a multi-turn run, from what each turn's answer was and what it should have been.

- ``last_turn_hit@1``: share of conversations whose last answer puts a right door first — what
  the person finally reads.
- ``followup_hit@1``/``@3`` per follow-up kind: whether the conversation helped at that turn.
- clarification precision (asked only when the gold turn asks) and recall (asked when it does),
  for the commune question, and for every question asked back (commune, age, permit: right
  only when it is the field the gold turn asks).
- ``language_kept``: share of turns answered in the turn's language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["ConversationFigures", "TurnOutcome", "score_conversations"]


@dataclass(frozen=True, slots=True)
class TurnOutcome:
    conversation_id: str
    turn: int
    followup: str | None
    expected_kind: str
    kind: str
    acceptable: tuple[str, ...]
    shown: tuple[str, ...]
    expected_clarification: str | None
    clarification: str | None
    expected_language: str
    language: str

    @property
    def rank(self) -> int | None:
        """1-based rank of the first right door shown, None when none is."""
        for position, door in enumerate(self.shown, start=1):
            if door in self.acceptable:
                return position
        return None


@dataclass(frozen=True, slots=True)
class ConversationFigures:
    conversations: int
    turns: int
    figures: dict[str, float | int | None]
    by_followup: dict[str, dict[str, float | int]]


def _share(hits: int, total: int) -> float | None:
    return round(hits / total, 3) if total else None


def score_conversations(outcomes: Sequence[TurnOutcome]) -> ConversationFigures:
    by_conversation: dict[str, list[TurnOutcome]] = defaultdict(list)
    for outcome in outcomes:
        by_conversation[outcome.conversation_id].append(outcome)
    last = [turns[-1] for turns in by_conversation.values()]
    scored_last = [t for t in last if t.acceptable and t.expected_kind != "out_of_scope"]
    asked = [t for t in outcomes if t.clarification == "commune"]
    expected = [t for t in outcomes if t.expected_clarification == "commune"]
    any_asked = [t for t in outcomes if t.clarification is not None]
    any_expected = [t for t in outcomes if t.expected_clarification is not None]
    by_kind: dict[str, dict[str, float | int]] = {}
    for kind in sorted({t.followup or "first" for t in outcomes}):
        turns = [t for t in outcomes if (t.followup or "first") == kind and t.acceptable]
        hit1 = sum(1 for t in turns if t.rank == 1)
        hit3 = sum(1 for t in turns if t.rank is not None and t.rank <= 3)
        by_kind[kind] = {
            "turns": len(turns),
            "hit@1": _share(hit1, len(turns)) or 0.0,
            "hit@3": _share(hit3, len(turns)) or 0.0,
        }
    figures: dict[str, float | int | None] = {
        "last_turn_hit@1": _share(sum(1 for t in scored_last if t.rank == 1), len(scored_last)),
        "last_turn_hit@3": _share(
            sum(1 for t in scored_last if t.rank is not None and t.rank <= 3), len(scored_last)
        ),
        "clarification_precision": _share(
            sum(1 for t in asked if t.expected_clarification == "commune"), len(asked)
        ),
        "clarification_recall": _share(
            sum(1 for t in expected if t.clarification == "commune"), len(expected)
        ),
        "clarification_all_precision": _share(
            sum(1 for t in any_asked if t.clarification == t.expected_clarification),
            len(any_asked),
        ),
        "clarification_all_recall": _share(
            sum(1 for t in any_expected if t.clarification == t.expected_clarification),
            len(any_expected),
        ),
        "clarifications_asked": len(asked),
        "clarifications_expected": len(expected),
        "language_kept": _share(
            sum(1 for t in outcomes if t.language == t.expected_language), len(outcomes)
        ),
        "kind_accuracy": _share(
            sum(1 for t in outcomes if t.kind == t.expected_kind), len(outcomes)
        ),
    }
    return ConversationFigures(
        conversations=len(by_conversation),
        turns=len(outcomes),
        figures=figures,
        by_followup=by_kind,
    )
