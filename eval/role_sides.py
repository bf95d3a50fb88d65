"""How well the asker's side of violence is read: the role lexicon, then the side classifier.

For tuning ``assistant_api.triage.role_sides`` (issue 18): every gold question with ``harmful``
services has a side (the perpetrators' service harmful → a victim's side; victim support
harmful → a perpetrator's), every other question has none. For a grid of margins, the script
counts the role questions read on the right side, on the wrong one (the harm: the right
services hidden) and on none, and the other questions given a side they do not have.

The gate of the service (a side is read only when retrieval found a service for one side, or
a danger was described) is not applied here: these counts are the classifier's own.

Run: ``python -m eval.role_sides --gold corpora/gold/dev.jsonl`` (tune on dev only).
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence
from pathlib import Path

from assistant_api.triage.role_sides import TOP_K, RolePrototypes, RoleSideClassifier
from assistant_api.triage.roles import OPPOSED, RoleRecognizer
from eval.gold import GoldQuestion, load_gold
from index.embedders import E5Embedder, USEEmbedder
from permanence.settings import PROJECT_ROOT

__all__ = ["expected_side", "main"]

_SIDES = {role for pair in OPPOSED for role in pair}


def expected_side(question: GoldQuestion) -> str | None:
    """The side the gold implies: whose services it calls harmful tells whose side it is on."""
    if not question.harmful:
        return None
    return "perpetrator" if "savi-aide-aux-victimes" in question.harmful else "victim"


def _count(
    questions: Sequence[GoldQuestion], read: Sequence[str | None]
) -> tuple[int, int, int, int, int]:
    right = wrong = none = false = others = 0
    for question, side in zip(questions, read, strict=True):
        want = expected_side(question)
        if want is None:
            others += 1
            false += side is not None
        elif side == want:
            right += 1
        elif side is None:
            none += 1
        else:
            wrong += 1
    return right, wrong, none, false, others


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, nargs="+", default=[Path("corpora/gold/dev.jsonl")])
    parser.add_argument(
        "--prototypes", type=Path, default=PROJECT_ROOT / "prompts" / "role_prototypes.yaml"
    )
    args = parser.parse_args(argv)
    questions = [q for path in args.gold for q in load_gold(path)]
    lexicon = RoleRecognizer()
    by_lexicon: list[str | None] = []
    for question in questions:
        sides = lexicon.recognise(question.question, read_side=False).roles & _SIDES
        by_lexicon.append(next(iter(sides)) if len(sides) == 1 else None)
    right, wrong, none, false, others = _count(questions, by_lexicon)
    print(
        f"lexicon alone: right {right}, wrong {wrong}, none {none}; "
        f"others given a side {false} of {others}"
    )
    side, topic = USEEmbedder(), E5Embedder()
    classifier = RoleSideClassifier(RolePrototypes.load(args.prototypes), side=side, topic=topic)
    readings = [
        classifier.side(q.question) if found is None else None
        for q, found in zip(questions, by_lexicon, strict=True)
    ]
    print(f"top_k {TOP_K}; side_margin topic_margin: right wrong none | others given one")
    for side_margin, topic_margin in itertools.product(
        (0.0, 0.01, 0.02, 0.03, 0.04), (0.0, 0.005, 0.01, 0.015, 0.02, 0.03)
    ):
        read: list[str | None] = []
        for found, reading in zip(by_lexicon, readings, strict=True):
            if found is not None or reading is None:
                read.append(found)
                continue
            sure = (
                abs(reading.perpetrator - reading.victim) > side_margin
                and reading.topic > topic_margin
            )
            best = "perpetrator" if reading.perpetrator > reading.victim else "victim"
            read.append(best if sure else None)
        right, wrong, none, false, others = _count(questions, read)
        print(
            f"{side_margin:.3f} {topic_margin:.3f}: "
            f"{right:3d} {wrong:3d} {none:3d} | {false:3d} of {others}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
