"""Admin endpoints (``PERMANENCE_ADMIN_TOKEN``): blind-spot analytics and the reindex trigger."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from starlette.concurrency import run_in_threadpool

from assistant_api.analytics.store import BlindSpotReport
from assistant_api.http.deps import ServicesDep, require_admin
from assistant_api.http.reindex import ReindexStatus

__all__ = ["router"]

router = APIRouter(
    tags=["admin"],
    dependencies=[Depends(require_admin)],
    responses={401: {"description": "admin token required"}},
)

#: Seconds a blind-spot read waits for queued analytics events to be stored.
FLUSH_TIMEOUT_S = 5.0


@router.get("/v1/admin/blind-spots", response_model=BlindSpotReport)
async def blind_spots(
    services: ServicesDep,
    days: Annotated[int, Query(ge=1, le=3650)] = 30,
    language: Annotated[str | None, Query(pattern=r"^[a-z]{2,3}$")] = None,
) -> BlindSpotReport:
    """Questions answered no_answer, with low confidence or marked unhelpful, grouped by
    theme, language and commune (questions are stored redacted)."""
    await run_in_threadpool(services.recorder.flush, FLUSH_TIMEOUT_S)
    return await run_in_threadpool(
        lambda: services.analytics.blind_spots(days=days, languages=(language,) if language else ())
    )


@router.post(
    "/v1/admin/reindex", response_model=ReindexStatus, status_code=status.HTTP_202_ACCEPTED
)
async def reindex(services: ServicesDep) -> ReindexStatus:
    """Re-ingest the configured corpus and update the index in the background."""
    if not services.reindex.start(services.runtime):
        raise HTTPException(status.HTTP_409_CONFLICT, "a reindex is already running")
    return services.reindex.status


@router.get("/v1/admin/reindex", response_model=ReindexStatus)
async def reindex_status(services: ServicesDep) -> ReindexStatus:
    """State of the last reindex job."""
    return services.reindex.status
