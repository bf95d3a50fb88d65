"""The conversation figures as ``report.json`` holds them, beside the standalone baseline.

``permanence eval --conversations`` puts one :class:`ConversationsReport` under the report's
``conversations`` key; :func:`conversations_report` builds it from the turns of the two runs
(turn by turn in one conversation, and every turn asked alone).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field

from eval.conversations.score import TurnOutcome, score_conversations

__all__ = ["ConversationScores", "ConversationsReport", "Split", "conversations_report"]

Split = Literal["dev", "test", "all"]


class ConversationScores(BaseModel):
    """What :func:`eval.conversations.score.score_conversations` computes for one run."""

    conversations: int
    turns: int
    figures: dict[str, float | int | None]
    by_followup: dict[str, dict[str, float | int]] = Field(default_factory=dict)


class ConversationsReport(BaseModel):
    """The conversational run's figures and, under ``standalone``, the same turns asked alone."""

    split: Split
    gold: str
    conversations: int
    turns: int
    figures: dict[str, float | int | None]
    by_followup: dict[str, dict[str, float | int]] = Field(default_factory=dict)
    standalone: ConversationScores
    notes: list[str] = Field(default_factory=list, description="What was left out, and why.")


def _scores(outcomes: Sequence[TurnOutcome]) -> ConversationScores:
    scored = score_conversations(outcomes)
    return ConversationScores(
        conversations=scored.conversations,
        turns=scored.turns,
        figures=scored.figures,
        by_followup=scored.by_followup,
    )


def conversations_report(
    conversational: Sequence[TurnOutcome],
    standalone: Sequence[TurnOutcome],
    *,
    split: Split,
    gold: str,
    notes: Sequence[str] = (),
) -> ConversationsReport:
    """Score both runs; the figures are :func:`score_conversations`'s, unchanged."""
    main = _scores(conversational)
    return ConversationsReport(
        split=split,
        gold=gold,
        conversations=main.conversations,
        turns=main.turns,
        figures=main.figures,
        by_followup=main.by_followup,
        standalone=_scores(standalone),
        notes=list(notes),
    )
