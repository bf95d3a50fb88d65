"""``GET /metrics``: Prometheus text format."""

from __future__ import annotations

from fastapi import APIRouter, Response

from assistant_api.http.deps import ServicesDep
from assistant_api.http.metrics import CONTENT_TYPE_LATEST

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def metrics(services: ServicesDep) -> Response:
    """Request counts and latency by route, answers by kind and language."""
    return Response(services.metrics.render(), media_type=CONTENT_TYPE_LATEST)
