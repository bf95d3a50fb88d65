"""Per-app services next to the runtime: metrics, rate limiter, analytics, search, reindex.

Created by ``create_app`` (cheap parts) and its lifespan (the analytics store and recorder),
reached by routes through :data:`ApiStateDep`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from assistant_api.analytics.recorder import AnalyticsRecorder
from assistant_api.analytics.store import AnalyticsStore
from assistant_api.answer.institution_search import InstitutionSearch
from assistant_api.http.metrics import ApiMetrics
from assistant_api.http.ratelimit import TokenBucketLimiter
from assistant_api.http.reindex import ReindexJob

__all__ = ["ApiState", "ApiStateDep"]


@dataclass
class ApiState:
    metrics: ApiMetrics
    limiter: TokenBucketLimiter
    reindex: ReindexJob = field(default_factory=ReindexJob)
    analytics: AnalyticsStore | None = None
    recorder: AnalyticsRecorder | None = None
    search: InstitutionSearch | None = None


def get_api_state(request: Request) -> ApiState:
    api: ApiState | None = getattr(request.app.state, "api", None)
    if api is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "the assistant is starting")
    return api


ApiStateDep = Annotated[ApiState, Depends(get_api_state)]
