"""``POST /v1/feedback``: was this answer helpful, or did it send the person to the wrong place."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, HTTPException, status

from assistant_api.analytics.store import AnalyticsStoreError
from assistant_api.http.deps import ServicesDep
from assistant_api.models import FeedbackReceipt, FeedbackRequest

__all__ = ["router"]

router = APIRouter(tags=["feedback"])

#: Seconds the route waits to learn that the feedback is stored (the regex redactor takes
#: well under 1 ms; Presidio, behind a backlog, may take longer: then 202 means "queued").
STORE_WAIT_S = 2.0
_UNAVAILABLE = "feedback cannot be stored right now (the analytics store is failing); retry later"


async def _store(services: ServicesDep, body: FeedbackRequest) -> None:
    """Queue the feedback and wait briefly for the store; 503 when it cannot keep it.

    Why wait: a full disk used to drop feedback behind a 202. A store already known to be
    failing refuses at once; otherwise the write's own failure is reported.
    """
    if services.analytics.failure is not None:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, _UNAVAILABLE, headers={"Retry-After": "60"}
        )
    stored = asyncio.wrap_future(services.recorder.record_feedback(body))
    try:
        await asyncio.wait_for(asyncio.shield(stored), STORE_WAIT_S)
    except TimeoutError:
        return  # still queued behind the redactor: accepted, as 202 says
    except AnalyticsStoreError as exc:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE, _UNAVAILABLE, headers={"Retry-After": "60"}
        ) from exc


@router.post("/v1/feedback", response_model=FeedbackReceipt, status_code=status.HTTP_202_ACCEPTED)
async def feedback(body: FeedbackRequest, services: ServicesDep) -> FeedbackReceipt:
    """Record feedback on an answer (the comment is redacted before it is stored)."""
    if body.comment is not None and "\x00" in body.comment:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "the comment contains binary data"
        )
    if not services.issued.issued(body.answer_id):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "no recent answer of this server has this id"
        )
    await _store(services, body)
    services.metrics.feedback.labels(body.rating).inc()
    return FeedbackReceipt(answer_id=body.answer_id)
