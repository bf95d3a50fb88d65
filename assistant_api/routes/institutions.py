"""``GET /v1/institutions/{id}``: a curated record with its sources (also the fiche citation URL)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from assistant_api.deps import RuntimeDep
from ingest import Institution

__all__ = ["router"]

router = APIRouter(tags=["institutions"])


@router.get("/v1/institutions/{institution_id}", response_model=Institution)
async def get_institution(institution_id: str, runtime: RuntimeDep) -> Institution:
    """Every field of one institution, with the sources of each fact."""
    record = runtime.service.institutions.get(institution_id)
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no institution with id {institution_id!r}")
    return record
