"""``python -m eval.facts``: precision and recall of the fact extraction, per field."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from eval.facts.fiches import score_fiches
from eval.facts.score import FIELDS, as_json, load_facts_gold, score_pages

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_GOLD = ROOT / "corpora" / "gold" / "facts" / "labels.jsonl"


def _rate(value: float | None) -> str:
    return "   —" if value is None else f"{value:.2f}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.facts", description=__doc__)
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--root", type=Path, default=ROOT, help="Folder the page paths start in.")
    parser.add_argument("--split", choices=["dev", "heldout", "all"], default="dev")
    parser.add_argument("--json", action="store_true", help="Print scores and errors as JSON.")
    parser.add_argument(
        "--fiches",
        type=Path,
        nargs="?",
        const=ROOT / "corpora" / "sites" / "gsr" / "fiches",
        default=None,
        help="Also score the mirror's GSR fiches against their marked-up fields (silver).",
    )
    args = parser.parse_args(argv)
    gold = [g for g in load_facts_gold(args.gold) if args.split in ("all", g.split)]
    scores, pages = score_pages(gold, root=args.root)
    if args.json:
        print(as_json(scores, pages))
        return 0
    print(f"{len(gold)} pages ({args.split})")
    print(f"{'field':<8} {'expected':>8} {'found':>6} {'correct':>7} {'P':>5} {'R':>5}")
    for field in FIELDS:
        s = scores[field]
        print(
            f"{field:<8} {s.expected:>8} {s.found:>6} {s.correct:>7} "
            f"{_rate(s.precision):>5} {_rate(s.recall):>5}"
        )
    for page in pages:
        if page.missed or page.extra:
            print(f"  {page.id}: missed {page.missed or '-'}; extra {page.extra or '-'}")
    if args.fiches is not None:
        count, fiche_scores, missed = score_fiches(args.fiches)
        print(f"\n{count} GSR fiches of the mirror, against their data-field markup")
        print(f"{'field':<8} {'marked':>8} {'found':>6} {'extra':>6} {'R':>5}")
        for score in fiche_scores.values():
            print(
                f"{score.field:<8} {score.expected:>8} {score.found:>6} {score.extra:>6} "
                f"{_rate(score.recall):>5}"
            )
        for line in missed:
            print(f"  missed {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
