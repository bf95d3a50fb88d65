"""An answerer that replays fixed outcomes, for tests where the metric and report code is what
is under test (not the system that produced the answers)."""

from __future__ import annotations

from eval.gold import GoldQuestion
from eval.records import Outcome

__all__ = ["Scripted"]


class Scripted:
    """Answers each question with the outcome given for its id (eval.runner.Answerer)."""

    def __init__(self, name: str, outcomes: dict[str, Outcome]) -> None:
        self.name = name
        self._outcomes = outcomes

    def answer(self, question: GoldQuestion) -> Outcome:
        return self._outcomes[question.id]
