"""Fill each record's ``service_terms`` from its French ``services`` (issue 17).

Each phrase is mapped to a term of ``corpora/vocabulary/services.yaml`` by
:meth:`ingest.corpus.vocabulary.Vocabulary.map_phrase` (longest French word start wins); the
record's terms are the distinct terms of its phrases, in the order of the phrases. A phrase no
term fits stays French only, and the answer quotes it.

Other agents edit the same files (``assured`` lines), so this script never re-dumps a record:
it re-reads each file right before writing it and replaces or inserts only the
``service_terms:`` block, right after the ``services:`` block.

    python scripts/map_service_terms.py [--dry-run] [--sample N]

``--sample N`` prints N (phrase, term) pairs drawn with a fixed seed, for labelling by hand.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

import yaml

from ingest.corpus.vocabulary import Vocabulary, load_vocabulary

CORPUS = Path(__file__).resolve().parent.parent / "corpora" / "neuchatel"
#: Seed of the precision sample, so that the labelled sample can be drawn again.
SAMPLE_SEED = 17
_TOP_KEY = re.compile(r"^[a-z_]+:")


def terms_for(services: list[str], vocabulary: Vocabulary) -> list[str]:
    """The distinct terms of ``services``, in phrase order."""
    found: list[str] = []
    for phrase in services:
        term = vocabulary.map_phrase(phrase)
        if term is not None and term not in found:
            found.append(term)
    return found


def with_terms(text: str, terms: list[str]) -> str:
    """``text`` (a record's YAML) with its ``service_terms`` block set to ``terms``."""
    lines = text.splitlines(keepends=True)
    # Drop an existing block: its key line and the list items under it.
    kept: list[str] = []
    skipping = False
    for line in lines:
        if line.startswith("service_terms:"):
            skipping = True
            continue
        if skipping and (line.startswith("- ") or line.startswith("  ")):
            continue
        skipping = False
        kept.append(line)
    if not terms:
        return "".join(kept)
    block = ["service_terms:\n", *(f"- {term}\n" for term in terms)]
    start = next((i for i, line in enumerate(kept) if line.startswith("services:")), None)
    if start is None:
        raise ValueError("record has services but no top-level 'services:' line")
    end = start + 1
    while end < len(kept) and not _TOP_KEY.match(kept[end]):
        end += 1
    return "".join(kept[:end] + block + kept[end:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--sample", type=int, default=0)
    args = parser.parse_args(argv)
    vocabulary = load_vocabulary()
    pairs: list[tuple[str, str, str | None]] = []
    changed = 0
    for path in sorted(CORPUS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        services = list(data.get("services") or [])
        pairs.extend((data["id"], s, vocabulary.map_phrase(s)) for s in services)
        terms = terms_for(services, vocabulary)
        if args.dry_run:
            continue
        current = path.read_text(encoding="utf-8")  # re-read: another agent may have written
        updated = with_terms(current, terms)
        if updated != current:
            path.write_text(updated, encoding="utf-8")
            changed += 1
    mapped = sum(1 for _, _, term in pairs if term is not None)
    sys.stdout.write(f"{len(pairs)} phrases, {mapped} mapped; {changed} records written\n")
    if args.sample:
        for record, phrase, term in random.Random(SAMPLE_SEED).sample(pairs, args.sample):
            sys.stdout.write(f"{record}\t{phrase}\t{term}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
