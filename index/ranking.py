"""From chunk hits to institutions, best first (pure functions).

An institution's score is its best chunk plus a decaying share of its next ones, so that an
institution several of whose sections match beats one with a single lucky sentence, without
letting long web sites win by volume.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from index.records import ChunkHit, InstitutionHit

__all__ = ["COMMUNE_BOOST", "ELSEWHERE_PENALTY", "SUPPORT_DECAY", "rank_institutions"]

#: Weight of the 2nd, 3rd … supporting chunk relative to the best one (tuned on dev gold set).
SUPPORT_DECAY = 0.5
#: Multiplier for institutions whose service area names the asker's commune.
COMMUNE_BOOST = 1.6
#: Multiplier for regional institutions whose service area lists communes, not the asker's.
ELSEWHERE_PENALTY = 0.6


def rank_institutions(
    hits: Sequence[ChunkHit],
    *,
    commune: str | None = None,
    limit: int = 5,
    areas: dict[str, Iterable[str]] | None = None,
) -> list[InstitutionHit]:
    """Group chunk hits by institution and rank the institutions.

    Args:
        hits: Fused chunk hits, best first; chunks without an institution are ignored.
        commune: The asker's commune (canonical name), boosting institutions that serve it.
        limit: How many institutions to return.
        areas: Service areas by institution id; defaults to the areas carried by the chunks.
    """
    grouped: dict[str, list[ChunkHit]] = {}
    for hit in hits:
        if hit.chunk.institution_id:
            grouped.setdefault(hit.chunk.institution_id, []).append(hit)
    ranked: list[InstitutionHit] = []
    for institution_id, chunk_hits in grouped.items():
        chunk_hits.sort(key=lambda h: -h.score)
        score = sum(h.score * SUPPORT_DECAY**i for i, h in enumerate(chunk_hits[:4]))
        area = set(areas[institution_id]) if areas and institution_id in areas else set(
            chunk_hits[0].chunk.communes
        )
        serves = False
        if commune is not None and area and "canton" not in area:
            serves = commune in area
            score *= COMMUNE_BOOST if serves else ELSEWHERE_PENALTY
        ranked.append(
            InstitutionHit(
                institution_id=institution_id,
                score=score,
                chunks=tuple(chunk_hits),
                serves_commune=serves,
            )
        )
    ranked.sort(key=lambda h: (-h.score, h.institution_id))
    return ranked[:limit]
