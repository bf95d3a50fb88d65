"""Read the multi-turn gold set (``corpora/gold/conversations.jsonl``, issue 20).

Each line is one conversation of 2–4 turns with, per turn, the institutions that are a right
first door *at that point of the conversation* and whether a good assistant must ask where the
person lives (``corpora/gold/README.md``, section "Conversations"). The schema below is strict
(unknown fields are refused) because the file is written by hand and a misspelt field would
silently drop a check; the cross-references (institution ids, communes) need the corpus and the
commune table and are checked by :func:`read_conversations` when they are given.

Problems are returned as :class:`~ingest.corpus.gold.GoldProblem` values naming the file and the
line, like the single-turn gold sets; :func:`load_conversations` raises them all at once.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ingest.corpus.gold import CONVERSATIONS_FILE, GoldProblem
from ingest.errors import CorpusError
from ingest.records import Audience

__all__ = [
    "CONVERSATIONS_FILE",
    "AnswerKind",
    "Clarification",
    "ConversationError",
    "ConversationTurn",
    "FactField",
    "FollowupKind",
    "GoldConversation",
    "GoldLanguage",
    "Split",
    "load_conversations",
    "read_conversations",
]

MIN_TURNS, MAX_TURNS = 2, 4

GoldLanguage = Literal["fr", "de", "it", "en", "pt", "es", "ar", "uk", "ru", "fa", "sq", "tr", "ti"]
AnswerKind = Literal["orientation", "emergency", "out_of_scope", "no_answer"]
#: What a good assistant must ask before it can name the right door; ``None`` when nothing.
Clarification = Literal["commune", "age", "permit"]
FollowupKind = Literal["commune", "fact", "refine", "new_need", "after_emergency"]
FactField = Literal["languages", "documents", "fees", "hours", "address", "phone", "other"]
Split = Literal["dev", "test"]


class ConversationTurn(BaseModel):
    """One question of a conversation and what a right answer looks like at that point."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    question: str = Field(min_length=1)
    #: Language the answer is expected in (the asker's language at this turn).
    language: GoldLanguage
    kind: AnswerKind
    #: Every institution id that is a right first door here, best first; empty for out_of_scope.
    acceptable: list[str]
    clarification: Clarification | None
    #: Canonical commune known at this turn (said now or earlier), else ``None``.
    commune: str | None
    #: How the turn relates to the earlier ones; ``None`` only on the first turn.
    followup: FollowupKind | None = None
    #: For ``fact`` follow-ups: what is asked about the institution just named.
    fact_field: FactField | None = None
    #: For ``fact`` follow-ups: the institution the question is about.
    about: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ConversationTurn:
        if self.kind == "out_of_scope" and self.acceptable:
            raise ValueError("an out_of_scope turn has no acceptable institutions")
        if self.kind != "out_of_scope" and not self.acceptable:
            raise ValueError(f"a {self.kind} turn needs at least one acceptable institution")
        if len(set(self.acceptable)) != len(self.acceptable):
            raise ValueError("acceptable lists an institution twice")
        if self.clarification == "commune" and self.commune is not None:
            raise ValueError("clarification 'commune' while the commune is already known")
        if self.followup == "fact":
            if self.fact_field is None or self.about is None:
                raise ValueError("a fact follow-up needs fact_field and about")
            if self.about not in self.acceptable:
                raise ValueError(f"about {self.about!r} is not among the acceptable institutions")
        elif self.fact_field is not None or self.about is not None:
            raise ValueError("fact_field and about belong to fact follow-ups only")
        if self.followup == "commune" and self.commune is None:
            raise ValueError("a commune follow-up must set the commune")
        return self


class GoldConversation(BaseModel):
    """A conversation of 2–4 turns of the multi-turn gold set."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^conv-\d{4}$")
    split: Split
    #: Language of the first turn (turns may switch).
    language: GoldLanguage
    audience: Audience = "public"
    #: 2 to 4 turns (checked below, for a message that says so).
    turns: list[ConversationTurn]
    notes: str | None = None
    #: ``False`` until a native speaker has read the text of the turns.
    translation_checked: bool = False

    @model_validator(mode="after")
    def _turn_order(self) -> GoldConversation:
        if not MIN_TURNS <= len(self.turns) <= MAX_TURNS:
            raise ValueError(
                f"a conversation has {MIN_TURNS} to {MAX_TURNS} turns, found {len(self.turns)}"
            )
        first, *later = self.turns
        if first.followup is not None:
            raise ValueError("the first turn has no followup")
        if first.language != self.language:
            raise ValueError(
                f"language {self.language!r} differs from the first turn's {first.language!r}"
            )
        known: str | None = first.commune
        for number, turn in enumerate(later, start=2):
            if turn.followup is None:
                raise ValueError(f"turn {number} needs a followup")
            if known is not None and turn.commune is None:
                raise ValueError(f"turn {number} forgets the commune {known!r} known earlier")
            known = turn.commune or known
        return self

    def institution_ids(self) -> set[str]:
        """Every institution id the conversation names (acceptable and about)."""
        ids: set[str] = set()
        for turn in self.turns:
            ids.update(turn.acceptable)
            if turn.about is not None:
                ids.add(turn.about)
        return ids


class ConversationError(CorpusError):
    """The conversation file cannot be used; the message lists every problem with its line."""

    def __init__(self, problems: list[GoldProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def read_conversations(
    path: Path,
    *,
    institution_ids: Collection[str] | None = None,
    commune_names: Collection[str] | None = None,
) -> tuple[list[GoldConversation], list[GoldProblem]]:
    """Parse the JSONL file; blank lines are skipped, every bad line is reported.

    Args:
        path: the ``conversations.jsonl`` file.
        institution_ids: the record ids of the corpus; when given, every ``acceptable`` and
            ``about`` id must be one of them.
        commune_names: the canonical commune names; when given, every ``commune`` must be one.

    Returns:
        The valid conversations (a conversation with an unknown id or commune is still returned,
        so that counts stay meaningful) and the problems, each naming the file and the line.
    """
    conversations: list[GoldConversation] = []
    problems: list[GoldProblem] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(GoldProblem(path, number, f"not valid JSON: {exc.msg}"))
            continue
        try:
            conversation = GoldConversation.model_validate(raw)
        except ValidationError as exc:
            label = raw.get("id") if isinstance(raw, dict) else None
            prefix = f"{label}: " if isinstance(label, str) else ""
            for error in exc.errors():
                field = ".".join(str(p) for p in error["loc"]) or "conversation"
                message = str(error["msg"]).removeprefix("Value error, ")
                problems.append(GoldProblem(path, number, f"{prefix}field {field!r}: {message}"))
            continue
        conversations.append(conversation)
        cid = conversation.id
        if cid in first_line:
            problems.append(
                GoldProblem(path, number, f"id {cid!r} already used on line {first_line[cid]}")
            )
        else:
            first_line[cid] = number
        if institution_ids is not None:
            unknown = sorted(conversation.institution_ids() - set(institution_ids))
            if unknown:
                problems.append(
                    GoldProblem(path, number, f"{cid}: institution ids {unknown} have no record")
                )
        if commune_names is not None:
            for turn_number, turn in enumerate(conversation.turns, start=1):
                if turn.commune is not None and turn.commune not in commune_names:
                    problems.append(
                        GoldProblem(
                            path,
                            number,
                            f"{cid}: turn {turn_number}: commune {turn.commune!r} is not in the "
                            "commune table",
                        )
                    )
    return conversations, problems


def load_conversations(
    path: Path,
    *,
    institution_ids: Collection[str] | None = None,
    commune_names: Collection[str] | None = None,
) -> list[GoldConversation]:
    """The conversations of ``path``, or :class:`ConversationError` listing every bad line."""
    conversations, problems = read_conversations(
        path, institution_ids=institution_ids, commune_names=commune_names
    )
    if problems:
        raise ConversationError(problems)
    return conversations
