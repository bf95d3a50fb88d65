"""The multi-turn evaluation: conversations of ``corpora/gold/conversations.jsonl`` asked turn by
turn through the API, each follow-up with the conversation id of the answer before it."""

from __future__ import annotations

from eval.conversations.score import ConversationFigures, TurnOutcome, score_conversations

__all__ = ["ConversationFigures", "TurnOutcome", "score_conversations"]
