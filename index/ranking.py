"""From chunk hits to institutions, best first (pure functions).

An institution's score is its best chunk plus a decaying share of its next ones, so that an
institution several of whose sections match beats one with a single lucky sentence, without
letting long web sites win by volume. The asker's commune then boosts the institutions that
serve it and lowers regional ones that serve other communes — a boost, never a filter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from index.records import ChunkHit, InstitutionHit

__all__ = [
    "COMMUNE_BOOST",
    "ELSEWHERE_PENALTY",
    "SUPPORT_DECAY",
    "apply_commune",
    "rank_institutions",
]

#: Weight of the 2nd, 3rd … supporting chunk relative to the best one (dev gold set).
SUPPORT_DECAY = 0.5
#: Multiplier for institutions whose service area names the asker's commune.
COMMUNE_BOOST = 1.6
#: Multiplier for regional institutions whose service area lists communes, not the asker's.
ELSEWHERE_PENALTY = 0.6


def rank_institutions(hits: Sequence[ChunkHit], *, limit: int = 5) -> list[InstitutionHit]:
    """Group chunk hits by institution and rank the institutions by aggregated score.

    Chunks without an institution are ignored; ties are broken by id for determinism.
    """
    grouped: dict[str, list[ChunkHit]] = {}
    for hit in hits:
        if hit.chunk.institution_id:
            grouped.setdefault(hit.chunk.institution_id, []).append(hit)
    ranked = []
    for institution_id, chunk_hits in grouped.items():
        chunk_hits.sort(key=lambda h: -h.score)
        score = sum(h.score * SUPPORT_DECAY**i for i, h in enumerate(chunk_hits[:4]))
        ranked.append(InstitutionHit(institution_id, score, tuple(chunk_hits)))
    ranked.sort(key=lambda h: (-h.score, h.institution_id))
    return ranked[:limit]


def apply_commune(hits: Sequence[InstitutionHit], commune: str | None) -> list[InstitutionHit]:
    """Re-rank for the asker's commune, using the service area carried by each hit's chunks."""
    if commune is None:
        return list(hits)
    adjusted = []
    for hit in hits:
        area = set(hit.chunks[0].chunk.communes) if hit.chunks else set()
        if not area or "canton" in area:
            adjusted.append(hit)
            continue
        serves = commune in area
        factor = COMMUNE_BOOST if serves else ELSEWHERE_PENALTY
        adjusted.append(dataclasses.replace(hit, score=hit.score * factor, serves_commune=serves))
    adjusted.sort(key=lambda h: (-h.score, h.institution_id))
    return adjusted
