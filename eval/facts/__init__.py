"""Precision and recall of the contact-fact extraction on a labelled sample of pages.

Entry point: ``python -m eval.facts`` (``--split dev|heldout|all``, ``--json``, ``--fiches``
for the larger silver check on the mirror's GSR fiches). The labels
(``corpora/gold/facts/labels.jsonl``) were written before the extractors were tuned; the
``heldout`` split is run once at the end, so its numbers say how the rules carry over.
"""

from __future__ import annotations

from eval.facts.fiches import FICHE_FIELDS, FicheScore, score_fiches
from eval.facts.score import (
    FIELDS,
    FactsGold,
    FieldScore,
    PageResult,
    load_facts_gold,
    score_pages,
)

__all__ = [
    "FICHE_FIELDS",
    "FIELDS",
    "FactsGold",
    "FicheScore",
    "FieldScore",
    "PageResult",
    "load_facts_gold",
    "score_fiches",
    "score_pages",
]
