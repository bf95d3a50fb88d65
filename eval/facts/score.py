"""Score the extractors page by page: expected facts against the facts found, per field.

A fact counts as found when its canonical value equals a label's after the same light
normalisation on both sides (case of e-mails, ``St-``/``Saint-`` and apostrophes in
addresses, OSM normalisation of hours by ``opening_hours-py``). Precision and recall are
micro-averaged over the pages of a split; a page with no label in a field still counts its
false positives, which is why pages with no contact at all are in the sample.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import opening_hours
from pydantic import BaseModel, ConfigDict, Field

from ingest.facts import Fact, extract_facts

__all__ = ["FIELDS", "FactsGold", "FieldScore", "PageResult", "load_facts_gold", "score_pages"]

FIELDS: tuple[str, ...] = ("phone", "fax", "email", "address", "hours")
Split = Literal["dev", "heldout"]


class FactsGold(BaseModel):
    """One labelled page: where it is and the facts a reader finds on it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    split: Split
    path: str
    url: str
    phone: list[str] = Field(default_factory=list)
    fax: list[str] = Field(default_factory=list)
    email: list[str] = Field(default_factory=list)
    address: list[str] = Field(default_factory=list)
    hours: list[str] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class FieldScore:
    """Counts and rates of one field over a set of pages."""

    field: str
    expected: int
    found: int
    correct: int

    @property
    def precision(self) -> float | None:
        return self.correct / self.found if self.found else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.expected if self.expected else None


@dataclass(frozen=True, slots=True)
class PageResult:
    """What one page gave: the values missed and the values found that were not expected."""

    id: str
    missed: dict[str, list[str]]
    extra: dict[str, list[str]]


def load_facts_gold(path: Path) -> list[FactsGold]:
    """The labelled pages of a JSONL file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [FactsGold.model_validate_json(line) for line in lines if line.strip()]


def _norm(field: str, value: str) -> str:
    if field == "email":
        return value.casefold()
    if field == "address":
        text = re.sub(r"\bst(e?)-", r"saint\1-", value.casefold())
        return re.sub(r"\s+", " ", text.replace("’", "'")).strip()
    if field == "hours":
        return str(opening_hours.OpeningHours(value).normalize())
    return value


def _found(facts: list[Fact], field: str) -> set[str]:
    return {_norm(field, f.value) for f in facts if f.kind == field}


def score_pages(
    gold: list[FactsGold], *, root: Path
) -> tuple[dict[str, FieldScore], list[PageResult]]:
    """Run the extractors on every page of ``gold`` (paths relative to ``root``)."""
    counts = {f: [0, 0, 0] for f in FIELDS}
    pages: list[PageResult] = []
    for page in gold:
        html = (root / page.path).read_text(encoding="utf-8")
        facts = extract_facts(html, page.url)
        missed: dict[str, list[str]] = {}
        extra: dict[str, list[str]] = {}
        for field in FIELDS:
            expected = {_norm(field, v) for v in getattr(page, field)}
            found = _found(facts, field)
            counts[field][0] += len(expected)
            counts[field][1] += len(found)
            counts[field][2] += len(expected & found)
            if expected - found:
                missed[field] = sorted(expected - found)
            if found - expected:
                extra[field] = sorted(found - expected)
        pages.append(PageResult(page.id, missed, extra))
    scores = {f: FieldScore(f, *counts[f]) for f in FIELDS}
    return scores, pages


def as_json(scores: dict[str, FieldScore], pages: list[PageResult]) -> str:
    """The scores and the per-page errors as JSON."""
    return json.dumps(
        {
            "fields": {
                f: {
                    "expected": s.expected,
                    "found": s.found,
                    "correct": s.correct,
                    "precision": s.precision,
                    "recall": s.recall,
                }
                for f, s in scores.items()
            },
            "errors": [
                {"id": p.id, "missed": p.missed, "extra": p.extra}
                for p in pages
                if p.missed or p.extra
            ],
        },
        ensure_ascii=False,
        indent=2,
    )
