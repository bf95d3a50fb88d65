"""Rank fusion of several result lists (pure functions)."""

from __future__ import annotations

from collections.abc import Sequence

from index.backends.base import VectorHit

__all__ = ["RRF_K", "reciprocal_rank_fusion"]

#: RRF constant; smaller values favour the top ranks more. The usual 60 (Cormack et al. 2009)
#: gave hit@3 0.740 on the dev gold set, 10 gave 0.770 (2026-11-22, service level, /tmp-free
#: re-run: `permanence eval --gold corpora/gold/dev.jsonl`).
RRF_K = 10


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[VectorHit]],
    *,
    weights: Sequence[float] | None = None,
    k: int = RRF_K,
) -> list[VectorHit]:
    """Fuse ranked lists: score(d) = Σ wᵢ / (k + rankᵢ(d)), ranks starting at 1.

    Ties keep the order of first appearance, so the result is deterministic.
    """
    if weights is None:
        weights = [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError(f"{len(weights)} weights for {len(rankings)} rankings")
    if k < 1:
        raise ValueError(f"k={k} must be at least 1")
    scores: dict[str, float] = {}
    payloads: dict[str, dict[str, object]] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, hit in enumerate(ranking, start=1):
            scores[hit.id] = scores.get(hit.id, 0.0) + weight / (k + rank)
            payloads.setdefault(hit.id, hit.payload)
    order = sorted(scores, key=lambda i: -scores[i])
    return [VectorHit(id=i, score=scores[i], payload=payloads[i]) for i in order]
