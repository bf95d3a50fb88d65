"""A retrieval hit on an institution's own fiche, for composer tests that start after retrieval.

The composers take ranked institution hits; these tests care about what is written from the
records, not about retrieval, so each hit carries one short public fiche chunk.
"""

from __future__ import annotations

from index import Chunk, ChunkHit, InstitutionHit
from ingest import fiche_url


def fiche_hit(institution_id: str, *, score: float = 1.0) -> InstitutionHit:
    """A hit on ``institution_id`` with one chunk of its public GSR fiche."""
    chunk = Chunk(
        id=f"{institution_id}-0",
        url=fiche_url(institution_id),
        position=0,
        title=institution_id,
        section="Prestations",
        text="Prestations",
        body="Prestations de l'institution.",
        content_hash="x",
        kind="gsr",
        audience="public",
        language="fr",
        institution_id=institution_id,
        categories=(),
        communes=(),
        fetched_at="2026-11-01T00:00:00+00:00",
    )
    return InstitutionHit(
        institution_id=institution_id, score=score, chunks=(ChunkHit(chunk, score),)
    )
