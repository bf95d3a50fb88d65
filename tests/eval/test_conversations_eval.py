"""The multi-turn evaluation: its scores, and a run through the real API."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from assistant_api import AssistantRuntime, create_app
from eval.conversations import TurnOutcome, score_conversations
from eval.conversations.run import ask_conversations
from ingest.corpus import GoldConversation
from permanence.settings import Settings
from tests.eval.conversation_gold import CONVERSATION


def _outcome(
    conversation: str,
    turn: int,
    shown: tuple[str, ...],
    *,
    followup: str | None = None,
    asked: str | None = None,
    expected: str | None = None,
    language: str = "fr",
) -> TurnOutcome:
    return TurnOutcome(
        conversation_id=conversation,
        turn=turn,
        followup=followup,
        expected_kind="orientation",
        kind="orientation",
        acceptable=("right",),
        shown=shown,
        expected_clarification=expected,
        clarification=asked,
        expected_language="fr",
        language=language,
    )


@pytest.mark.unit
def test_scores_count_the_last_turn_clarifications_and_language() -> None:
    figures = score_conversations(
        [
            _outcome("a", 0, ("other", "right"), asked="commune", expected="commune"),
            _outcome("a", 1, ("right",), followup="commune"),
            _outcome("b", 0, ("other",), asked="commune", language="en"),
            _outcome("b", 1, ("x", "y", "z", "right"), followup="fact", expected="commune"),
        ]
    )
    assert figures.conversations == 2 and figures.turns == 4
    assert figures.figures["last_turn_hit@1"] == 0.5  # a ends right, b does not
    assert figures.figures["last_turn_hit@3"] == 0.5  # b's right door is fourth
    assert figures.figures["clarification_precision"] == 0.5  # asked twice, once rightly
    assert figures.figures["clarification_recall"] == 0.5  # expected twice, asked once
    assert figures.figures["language_kept"] == 0.75
    assert figures.by_followup["commune"] == {"turns": 1, "hit@1": 1.0, "hit@3": 1.0}
    assert figures.by_followup["first"]["hit@3"] == 0.5


@pytest.mark.integration
def test_a_conversation_is_asked_turn_by_turn_through_the_api(
    tiny_settings: Settings, tiny_runtime: AssistantRuntime
) -> None:
    gold = GoldConversation.model_validate(CONVERSATION)
    app = create_app(tiny_settings, runtime=tiny_runtime)
    with TestClient(app) as client:
        conversational = ask_conversations(client, [gold])
        standalone = ask_conversations(client, [gold], standalone=True)
    assert [o.clarification for o in conversational] == ["commune", None]
    assert "gsr-val-de-ruz" in conversational[1].shown
    assert conversational[1].rank is not None
    # Asked alone, "j'habite a Cernier" names no need: the conversation is what answers it.
    assert standalone[1].rank is None  # alone, a commune names no need: no door
