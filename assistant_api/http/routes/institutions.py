"""``GET /v1/institutions`` (search for professionals) and ``GET /v1/institutions/{id}``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status

from assistant_api.answer.institution_search import SearchPage
from assistant_api.http.deps import RuntimeDep, ServicesDep
from ingest import CATEGORIES, Institution

__all__ = ["router"]

router = APIRouter(tags=["institutions"])


@router.get("/v1/institutions", response_model=SearchPage)
async def search_institutions(
    services: ServicesDep,
    q: Annotated[
        str | None, Query(max_length=200, description="Words of names or services.")
    ] = None,
    category: Annotated[
        str | None, Query(max_length=40, description=f"One of: {', '.join(CATEGORIES)}.")
    ] = None,
    commune: Annotated[
        str | None, Query(max_length=80, description="Keep institutions serving this commune.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> SearchPage:
    """Find institutions by words, category and the commune they serve, best match first."""
    if category is not None and category not in CATEGORIES:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"unknown category {category!r}; use one of: {', '.join(CATEGORIES)}",
        )
    resolved = services.runtime.resolve_commune(commune, "") if commune else None
    return services.search.search(
        q=q, category=category, commune=resolved or commune, limit=limit, offset=offset
    )


@router.get("/v1/institutions/{institution_id}", response_model=Institution)
async def get_institution(institution_id: str, runtime: RuntimeDep) -> Institution:
    """Every field of one institution, with the sources of each fact."""
    record = runtime.service.institutions.get(institution_id)
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no institution with id {institution_id!r}")
    return record
