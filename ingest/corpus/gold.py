"""Read the gold question sets (``corpora/gold/*.jsonl``) for checking and counting.

The eval package owns how gold sets are scored; here they are only read so that
``corpus check`` can verify that every acceptable answer is an institution that exists and
``corpus stats`` can count questions per set, kind and language. Problems are returned as
values, one per line, naming the file and line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ingest.records import Audience, Role

__all__ = [
    "CONVERSATIONS_FILE",
    "GoldProblem",
    "GoldQuestion",
    "GoldSet",
    "read_gold_dir",
    "read_gold_set",
]

#: The multi-turn set of the same directory (read by :mod:`ingest.corpus.conversations`, not here).
CONVERSATIONS_FILE = "conversations.jsonl"


class GoldQuestion(BaseModel):
    """One question of a gold set and the institutions that answer it."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    language: str = Field(min_length=2)
    kind: str = Field(min_length=1)
    acceptable: list[str]
    category: str | None = None
    commune: str | None = None
    audience: Audience = "public"
    reference_contexts: list[str] = Field(default_factory=list)
    #: Who asks, or for whom (``victim``, ``perpetrator``, ``parent``…), when it matters.
    role: Role | None = None
    #: Institutions that must never be in the first three for this question: services aimed
    #: at the opposite role (the perpetrators' service for a victim).
    harmful: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class GoldProblem:
    """A line of a gold file that cannot be used."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class GoldSet:
    """The readable questions of one gold file (its name is the file stem)."""

    name: str
    path: Path
    questions: tuple[GoldQuestion, ...]


def read_gold_set(path: Path) -> tuple[GoldSet, list[GoldProblem]]:
    """Parse one JSONL gold file; blank lines are skipped, bad lines reported."""
    questions: list[GoldQuestion] = []
    problems: list[GoldProblem] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(GoldProblem(path, number, f"not valid JSON: {exc.msg}"))
            continue
        try:
            questions.append(GoldQuestion.model_validate(raw))
        except ValidationError as exc:
            for error in exc.errors():
                field = ".".join(str(p) for p in error["loc"])
                problems.append(GoldProblem(path, number, f"field {field!r}: {error['msg']}"))
    return GoldSet(path.stem, path, tuple(questions)), problems


def read_gold_dir(directory: Path) -> tuple[list[GoldSet], list[GoldProblem]]:
    """All ``*.jsonl`` question sets of a directory, sorted by name; a missing directory has none.

    The multi-turn ``conversations.jsonl`` has another shape and is skipped here.
    """
    sets: list[GoldSet] = []
    problems: list[GoldProblem] = []
    if not directory.is_dir():
        return sets, problems
    for path in sorted(directory.glob("*.jsonl")):
        if path.name == CONVERSATIONS_FILE:
            continue
        gold_set, found = read_gold_set(path)
        sets.append(gold_set)
        problems.extend(found)
    return sets, problems
