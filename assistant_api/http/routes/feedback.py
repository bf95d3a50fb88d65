"""``POST /v1/feedback``: was this answer helpful, or did it send the person to the wrong place."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from assistant_api.http.deps import ServicesDep
from assistant_api.models import FeedbackReceipt, FeedbackRequest

__all__ = ["router"]

router = APIRouter(tags=["feedback"])


@router.post("/v1/feedback", response_model=FeedbackReceipt, status_code=status.HTTP_202_ACCEPTED)
async def feedback(body: FeedbackRequest, services: ServicesDep) -> FeedbackReceipt:
    """Record feedback on an answer (the comment is redacted before it is stored)."""
    if body.comment is not None and "\x00" in body.comment:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "the comment contains binary data"
        )
    services.recorder.record_feedback(body)
    services.metrics.feedback.labels(body.rating).inc()
    return FeedbackReceipt(answer_id=body.answer_id)
