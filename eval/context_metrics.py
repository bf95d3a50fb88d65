"""ragas' non-LLM metrics: context precision and recall against reference contexts, and
string similarity of the answer to the reference.

ragas 0.4.3 runs these offline (``RAGAS_DO_NOT_TRACK=true`` is set by
``permanence.runtime.configure_process``). The same definitions are also written here with
rapidfuzz, so the suite works where ragas is not installed and the tests can pin exact values;
``tests/eval/test_context_metrics.py`` checks that both agree.

Definitions (ragas ``NonLLMContextPrecisionWithReference`` / ``NonLLMContextRecall`` /
``NonLLMStringSimilarity``): similarity = 1 − normalised Levenshtein distance; a retrieved
context is relevant when its best similarity to a reference context reaches ``THRESHOLD``;
precision is the average precision of that relevance list; recall is the share of reference
contexts whose best similarity to a retrieved context exceeds ``THRESHOLD``.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from typing import Protocol

from rapidfuzz.distance import Levenshtein

__all__ = [
    "THRESHOLD",
    "ContextScorer",
    "FuzzScorer",
    "RagasScorer",
    "average_precision",
    "best_scorer",
    "context_precision",
    "context_recall",
    "id_context_precision",
    "id_context_recall",
    "id_scores",
    "string_similarity",
]

logger = logging.getLogger(__name__)

#: ragas' default relevance threshold for the non-LLM context metrics.
THRESHOLD = 0.5


def string_similarity(response: str, reference: str) -> float:
    """1 − normalised Levenshtein distance (1.0 for equal strings)."""
    return 1.0 - float(Levenshtein.normalized_distance(reference, response))


def average_precision(verdicts: Sequence[int]) -> float:
    """Σₖ precision@k · vₖ / (Σ v + 1e-10), as ragas computes it."""
    numerator = sum(sum(verdicts[: i + 1]) / (i + 1) * v for i, v in enumerate(verdicts))
    return numerator / (sum(verdicts) + 1e-10)


def context_precision(
    retrieved: Sequence[str], references: Sequence[str], threshold: float = THRESHOLD
) -> float | None:
    """Average precision of the retrieved contexts; None without references."""
    if not references:
        return None
    if not retrieved:
        return 0.0
    verdicts = [
        1 if max(string_similarity(ref, rc) for ref in references) >= threshold else 0
        for rc in retrieved
    ]
    return average_precision(verdicts)


def context_recall(
    retrieved: Sequence[str], references: Sequence[str], threshold: float = THRESHOLD
) -> float | None:
    """Share of reference contexts found among the retrieved ones; None without references."""
    if not references:
        return None
    if not retrieved:
        return 0.0
    # ragas compares strictly here (``>``), and with ``>=`` in precision; kept as is.
    found = sum(
        1 for ref in references if max(string_similarity(rc, ref) for rc in retrieved) > threshold
    )
    return found / len(references)


def id_context_precision(
    retrieved_ids: Sequence[str], reference_ids: Sequence[str]
) -> float | None:
    """|retrieved ∩ reference| / |retrieved| over distinct ids (ragas IDBasedContextPrecision)."""
    retrieved, reference = set(retrieved_ids), set(reference_ids)
    if not reference or not retrieved:
        return None if not reference else 0.0
    return len(retrieved & reference) / len(retrieved)


def id_context_recall(retrieved_ids: Sequence[str], reference_ids: Sequence[str]) -> float | None:
    """|retrieved ∩ reference| / |reference| over distinct ids (ragas IDBasedContextRecall)."""
    retrieved, reference = set(retrieved_ids), set(reference_ids)
    if not reference:
        return None
    return len(retrieved & reference) / len(reference)


class ContextScorer(Protocol):
    """Scores one outcome: ``context_precision``, ``context_recall``, ``string_similarity``."""

    name: str

    def score(
        self, *, answer: str, retrieved: Sequence[str], references: Sequence[str]
    ) -> dict[str, float | None]: ...


def id_scores(
    retrieved_ids: Sequence[str], reference_ids: Sequence[str]
) -> dict[str, float | None]:
    """The ID-based pair, computed directly (ragas' versions are the same set arithmetic)."""
    return {
        "id_context_precision": id_context_precision(retrieved_ids, reference_ids),
        "id_context_recall": id_context_recall(retrieved_ids, reference_ids),
    }


class FuzzScorer:
    """The definitions above, computed with rapidfuzz directly."""

    name = "rapidfuzz (ragas definitions)"

    def score(
        self, *, answer: str, retrieved: Sequence[str], references: Sequence[str]
    ) -> dict[str, float | None]:
        return {
            "context_precision": context_precision(retrieved, references),
            "context_recall": context_recall(retrieved, references),
            "string_similarity": (
                string_similarity(answer, " ".join(references)) if references and answer else None
            ),
        }


class RagasScorer:
    """ragas' own metric classes, scored one sample at a time (no LLM, no network)."""

    def __init__(self) -> None:
        with warnings.catch_warnings():
            # ragas 0.4 announces a move of these classes to ragas.metrics.collections, where
            # the context ones do not exist yet.
            warnings.simplefilter("ignore", DeprecationWarning)
            import ragas
            from ragas.dataset_schema import SingleTurnSample
            from ragas.metrics import (
                NonLLMContextPrecisionWithReference,
                NonLLMContextRecall,
                NonLLMStringSimilarity,
            )
        self.name = f"ragas {ragas.__version__}"
        self._sample = SingleTurnSample
        self._precision = NonLLMContextPrecisionWithReference(threshold=THRESHOLD)
        self._recall = NonLLMContextRecall(threshold=THRESHOLD)
        self._similarity = NonLLMStringSimilarity()

    def score(
        self, *, answer: str, retrieved: Sequence[str], references: Sequence[str]
    ) -> dict[str, float | None]:
        with warnings.catch_warnings():
            # ragas 0.4.3 builds a usage event even with RAGAS_DO_NOT_TRACK=true (nothing is
            # sent), reading its user-id file without closing it: a ResourceWarning per call.
            warnings.simplefilter("ignore", ResourceWarning)
            return self._score(answer=answer, retrieved=retrieved, references=references)

    def _score(
        self, *, answer: str, retrieved: Sequence[str], references: Sequence[str]
    ) -> dict[str, float | None]:
        if not references:
            return {"context_precision": None, "context_recall": None, "string_similarity": None}
        scores: dict[str, float | None] = {"context_precision": 0.0, "context_recall": 0.0}
        if retrieved:
            sample = self._sample(
                user_input="",
                retrieved_contexts=list(retrieved),
                reference_contexts=list(references),
            )
            scores["context_precision"] = float(self._precision.single_turn_score(sample))
            scores["context_recall"] = float(self._recall.single_turn_score(sample))
        scores["string_similarity"] = None
        if answer:
            sample = self._sample(response=answer, reference=" ".join(references))
            scores["string_similarity"] = float(self._similarity.single_turn_score(sample))
        return scores


def best_scorer(*, prefer_ragas: bool = True) -> ContextScorer:
    """ragas when it imports, else the rapidfuzz implementation of the same definitions."""
    if prefer_ragas:
        try:
            return RagasScorer()
        except ImportError as exc:
            logger.warning("ragas is not importable (%s); using the rapidfuzz implementation", exc)
    return FuzzScorer()
