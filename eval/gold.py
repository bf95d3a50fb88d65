"""Gold questions: load them, pin them with a digest, pick the deterministic CI subset.

The gold files are written by people (``corpora/gold/README.md``); fields may be added over
time, so the model ignores what it does not know instead of refusing the file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from eval.errors import GoldSetError

__all__ = [
    "RETRIEVAL_KINDS",
    "GoldQuestion",
    "filter_questions",
    "gold_digest",
    "load_gold",
    "select_subset",
]

GoldKind = Literal["orientation", "emergency", "out_of_scope", "no_answer"]

#: Kinds whose ``acceptable`` institutions count for hit@k and MRR (docs/evaluation.md).
RETRIEVAL_KINDS: frozenset[str] = frozenset({"orientation", "emergency", "no_answer"})


class GoldQuestion(BaseModel):
    """One question with the answer we expect (``corpora/gold/README.md``)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    language: str
    kind: GoldKind
    acceptable: tuple[str, ...] = ()
    category: str | None = None
    commune: str | None = None
    audience: Literal["public", "professional"] = "public"
    reference_contexts: tuple[str, ...] = ()
    needs_intranet: bool = False
    channel: str = "text"
    #: Who asks (``victim``, ``perpetrator``, ``parent``, ``professional``, ``relative``…) when
    #: the question is about roles; a breakdown of the report.
    role: str | None = None
    #: Institutions that must never be among the first three for this question: services
    #: aimed at the opposite role (the perpetrators' service for a victim). Counted by
    #: ``harmful_referrals``.
    harmful: tuple[str, ...] = ()

    @property
    def language_group(self) -> str:
        """``fr`` or ``other``: the corpus is French, so the other languages are cross-lingual."""
        return "fr" if self.language == "fr" else "other"

    @property
    def is_retrieval(self) -> bool:
        """Whether this question counts for hit@k / MRR."""
        return bool(self.acceptable) and self.kind in RETRIEVAL_KINDS


def load_gold(path: Path) -> list[GoldQuestion]:
    """Every question of a JSONL gold file, in file order.

    Raises:
        GoldSetError: the file is missing, a line is not JSON or not a question, or ids repeat.
    """
    if not path.is_file():
        raise GoldSetError(f"gold file {path} does not exist; pass e.g. corpora/gold/dev.jsonl")
    questions: list[GoldQuestion] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            question = GoldQuestion.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            raise GoldSetError(f"{path}:{number}: not JSON: {exc}") from exc
        except ValidationError as exc:
            raise GoldSetError(f"{path}:{number}: not a gold question: {exc}") from exc
        if question.id in seen:
            raise GoldSetError(f"{path}:{number}: duplicate id {question.id!r}")
        seen.add(question.id)
        questions.append(question)
    if not questions:
        raise GoldSetError(f"gold file {path} holds no question")
    return questions


def gold_digest(questions: Iterable[GoldQuestion]) -> str:
    """sha256 over the canonical JSON of the questions, in order (pins a floor to its data)."""
    digest = hashlib.sha256()
    for question in questions:
        canonical = json.dumps(question.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
        digest.update(canonical.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def filter_questions(
    questions: Sequence[GoldQuestion],
    *,
    languages: Sequence[str] = (),
    limit: int | None = None,
) -> list[GoldQuestion]:
    """Keep the questions in ``languages`` (all when empty), then the first ``limit``."""
    wanted = set(languages)
    kept = [q for q in questions if not wanted or q.language in wanted]
    return kept if limit is None else kept[:limit]


def _stable_key(question_id: str) -> str:
    return hashlib.sha256(question_id.encode("utf-8")).hexdigest()


def select_subset(questions: Sequence[GoldQuestion], size: int) -> list[GoldQuestion]:
    """A deterministic subset of ``size`` questions spread across languages.

    Questions that need the intranet are left out (the CI index holds the curated records
    only). Within each language questions are ordered by the hash of their id, then languages
    take turns (alphabetical order), so every language is represented and the choice depends
    only on the ids, not on the file order.
    """
    if size < 1:
        raise ValueError(f"subset size {size} must be at least 1")
    by_language: dict[str, list[GoldQuestion]] = {}
    for question in questions:
        if not question.needs_intranet:
            by_language.setdefault(question.language, []).append(question)
    for pool in by_language.values():
        pool.sort(key=lambda q: _stable_key(q.id))
    chosen: list[GoldQuestion] = []
    depth = 0
    while len(chosen) < size and any(depth < len(p) for p in by_language.values()):
        for language in sorted(by_language):
            pool = by_language[language]
            if depth < len(pool) and len(chosen) < size:
                chosen.append(pool[depth])
        depth += 1
    return sorted(chosen, key=lambda q: q.id)
