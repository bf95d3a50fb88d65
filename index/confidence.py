"""How likely the ranked institutions answer the question: a calibrated probability.

The raw similarity of the best chunk says how close the question is to *something* in the
corpus, not whether the first institutions are right: since the records carry situations in
the askers' words, any first-person question lands near one. Two more signals separate right
from lucky answers: whether the single searches (each dense model, BM25) agree on the first
institution, and whether the question names a need of the glossary. A logistic model over the
three, fitted on the dev gold set (label: an acceptable institution among the first three,
out-of-scope questions counting as misses), turns them into a probability.

Fit (2026-11-22, 346 public dev questions, scikit-learn ``LogisticRegression(C=10)``):
5-fold cross-validated ROC AUC 0.87 and Brier score 0.108, against 0.82 and 0.130 for the
similarity alone. The coefficients hold for the default first model (USE); refit them for
another one, whose cosine scale differs.
"""

from __future__ import annotations

import math

__all__ = ["answer_confidence"]

SIMILARITY_WEIGHT = 5.397
AGREEMENT_WEIGHT = 1.057
NAMED_NEED_WEIGHT = 1.333
INTERCEPT = -2.527


def answer_confidence(*, similarity: float, agreeing: int, names_need: bool) -> float:
    """P(an acceptable institution is among the first three), in [0, 1].

    ``similarity``: cosine of the first dense model's best chunk; ``agreeing``: how many single
    searches have the first-ranked institution as their own first hit; ``names_need``: the
    question names a glossary concept.
    """
    if agreeing < 0:
        raise ValueError(f"agreeing={agreeing} must not be negative")
    z = (
        INTERCEPT
        + SIMILARITY_WEIGHT * similarity
        + AGREEMENT_WEIGHT * agreeing
        + NAMED_NEED_WEIGHT * float(names_need)
    )
    return round(1.0 / (1.0 + math.exp(-z)), 4)
