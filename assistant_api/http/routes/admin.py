"""Admin endpoints (``PERMANENCE_ADMIN_TOKEN``): blind-spot analytics and the reindex trigger."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from starlette.concurrency import run_in_threadpool

from assistant_api.analytics.store import BlindSpotReport
from assistant_api.http.deps import RuntimeDep, require_admin
from assistant_api.http.reindex import ReindexStatus
from assistant_api.http.state import ApiStateDep

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
    api: ApiStateDep,
    days: Annotated[int, Query(ge=1, le=3650)] = 30,
    language: Annotated[str | None, Query(pattern=r"^[a-z]{2,3}$")] = None,
) -> BlindSpotReport:
    """Questions answered no_answer, with low confidence or marked unhelpful, grouped by
    theme, language and commune (questions are stored redacted)."""
    if api.analytics is None or api.recorder is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "analytics store is starting")
    await run_in_threadpool(api.recorder.flush, FLUSH_TIMEOUT_S)
    return await run_in_threadpool(
        lambda: api.analytics.blind_spots(days=days, languages=(language,) if language else ())  # type: ignore[union-attr]
    )


@router.post(
    "/v1/admin/reindex", response_model=ReindexStatus, status_code=status.HTTP_202_ACCEPTED
)
async def reindex(api: ApiStateDep, runtime: RuntimeDep) -> ReindexStatus:
    """Re-ingest the configured corpus and update the index in the background."""
    if not api.reindex.start(runtime):
        raise HTTPException(status.HTTP_409_CONFLICT, "a reindex is already running")
    return api.reindex.status


@router.get("/v1/admin/reindex", response_model=ReindexStatus)
async def reindex_status(api: ApiStateDep) -> ReindexStatus:
    """State of the last reindex job."""
    return api.reindex.status
