"""Where the first rank goes wrong: hit@1 by language and category, and the misses by cause.

``permanence eval`` measures the whole answer; this script looks only at the ranking, for
tuning it (issue 18, "a first rank that means go here first"). It runs the gold questions
through the in-process service, as the evaluation does, and writes one JSON file with the
figures and every question whose first institution is not acceptable, with the first three,
the needs the glossary found, the commune and a guessed cause, so that misses can be grouped
by what went wrong instead of read one by one.

Run: ``PERMANENCE_DATA_DIR=… python -m eval.ranking_analysis --gold corpora/gold/dev.jsonl
--out /tmp/ranking.json``. Tune on the dev file only; the test file is held out.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from assistant_api.answer.service import AssistantService
from assistant_api.runtime import open_runtime
from eval.gold import GoldQuestion, load_gold
from eval.metrics import reciprocal_rank
from eval.targets import request_for
from ingest import Institution
from permanence.settings import Settings

__all__ = ["Miss", "RankFigures", "RankingReport", "analyse", "main"]


class RankFigures(BaseModel):
    """hit@1, hit@3 and MRR over ``n`` retrieval questions (``None`` when there are none)."""

    n: int
    hit1: float | None
    hit3: float | None
    mrr: float | None


class Miss(BaseModel):
    """A retrieval question whose first institution is not acceptable."""

    id: str
    language: str
    category: str | None
    question: str
    acceptable: list[str]
    ranked: list[str]
    kind: str
    expected_kind: str
    concepts: list[str]
    commune: str | None
    #: ``not_shown``: no acceptable one in the answer; ``second``/``third``…: where it is.
    cause: str


class RankingReport(BaseModel):
    """The figures overall and by group, and every miss at the first rank."""

    gold: str
    overall: RankFigures
    outside_french: RankFigures
    by_language: dict[str, RankFigures]
    by_category: dict[str, RankFigures]
    causes: dict[str, int]
    misses: list[Miss] = Field(default_factory=list)


def _figures(ranks: Sequence[float]) -> RankFigures:
    if not ranks:
        return RankFigures(n=0, hit1=None, hit3=None, mrr=None)
    n = len(ranks)
    return RankFigures(
        n=n,
        hit1=round(sum(1 for r in ranks if r == 1.0) / n, 3),
        hit3=round(sum(1 for r in ranks if r > 0) / n, 3),
        mrr=round(sum(ranks) / n, 3),
    )


def _grouped(
    questions: Sequence[GoldQuestion],
    ranks: Mapping[str, float],
    key: Callable[[GoldQuestion], str],
) -> dict[str, RankFigures]:
    groups: dict[str, list[float]] = defaultdict(list)
    for question in questions:
        groups[key(question)].append(ranks[question.id])
    return {name: _figures(values) for name, values in sorted(groups.items())}


def _cause(ranked: Sequence[str], acceptable: Sequence[str]) -> str:
    wanted = set(acceptable)
    position = next((i for i, r in enumerate(ranked) if r in wanted), None)
    if position is None:
        return "not_shown"
    return ("first", "second", "third", "fourth", "fifth")[min(position, 4)]


def analyse(
    service: AssistantService,
    questions: Sequence[GoldQuestion],
    *,
    gold: str,
    concepts: Callable[[str], Sequence[str]],
    records: Mapping[str, Institution],
) -> RankingReport:
    """Ask every retrieval question of ``questions`` and sum up the first ranks."""
    retrieval = [q for q in questions if q.is_retrieval]
    ranks: dict[str, float] = {}
    misses: list[Miss] = []
    for question in retrieval:
        response = service.ask(request_for(question))
        ranked = [card.id for card in response.institutions]
        ranks[question.id] = reciprocal_rank(ranked, question.acceptable)
        if ranks[question.id] == 1.0:
            continue
        misses.append(
            Miss(
                id=question.id,
                language=question.language,
                category=question.category,
                question=question.question,
                acceptable=list(question.acceptable),
                ranked=[r for r in ranked if r in records],
                kind=response.kind,
                expected_kind=question.kind,
                concepts=list(concepts(question.question)),
                commune=response.commune,
                cause=_cause(ranked, question.acceptable),
            )
        )
    foreign = [q for q in retrieval if q.language != "fr"]
    return RankingReport(
        gold=gold,
        overall=_figures(list(ranks.values())),
        outside_french=_figures([ranks[q.id] for q in foreign]),
        by_language=_grouped(retrieval, ranks, lambda q: q.language),
        by_category=_grouped(retrieval, ranks, lambda q: q.category or "-"),
        causes=dict(Counter(m.cause for m in misses).most_common()),
        misses=misses,
    )


def _print(report: RankingReport) -> None:
    def line(name: str, figures: RankFigures) -> str:
        return (
            f"{name:<24} n={figures.n:<4} hit@1={figures.hit1}  hit@3={figures.hit3}"
            f"  MRR={figures.mrr}"
        )

    print(line("overall", report.overall))
    print(line("outside French", report.outside_french))
    for name, figures in report.by_language.items():
        print(line(f"  {name}", figures))
    for name, figures in report.by_category.items():
        print(line(f"  {name}", figures))
    print("misses at rank 1:", report.causes)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=Path("corpora/gold/dev.jsonl"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    questions = load_gold(args.gold)[: args.limit]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    runtime = open_runtime(Settings())
    try:
        glossary = runtime.search_index.retriever.glossary
        report = analyse(
            runtime.service,
            questions,
            gold=str(args.gold),
            concepts=glossary.concepts if glossary is not None else (lambda _text: ()),
            records=runtime.service.institutions,
        )
    finally:
        runtime.close()
    args.out.write_text(report.model_dump_json(indent=1), encoding="utf-8")
    _print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
