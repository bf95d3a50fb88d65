"""The HTTP layers around the routes: CORS, body limits, rate limits, metrics, encoding errors.

``create_app`` calls :func:`install_middleware` once, with the metrics and the limiter it also
hands to the services, so that ``/metrics`` counts what the middleware saw.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from assistant_api.http.metrics import ApiMetrics
from assistant_api.http.middleware import (
    BodyLimitMiddleware,
    MetricsMiddleware,
    RateLimitMiddleware,
)
from assistant_api.http.ratelimit import TokenBucketLimiter
from permanence.settings import Settings

__all__ = ["LARGE_BODY_PREFIXES", "install_middleware"]

#: Paths that take large uploads (voice recordings), limited by ``voice.max_bytes`` instead.
LARGE_BODY_PREFIXES = ("/v1/voice", "/v1/telephony")


def install_middleware(
    app: FastAPI, settings: Settings, *, metrics: ApiMetrics, limiter: TokenBucketLimiter
) -> None:
    """Add the middleware (outermost last) and the handler for bodies that are not UTF-8."""
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type"],
            max_age=600,
        )
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.limits.max_body_bytes,
        overrides={prefix: settings.voice.max_bytes for prefix in LARGE_BODY_PREFIXES},
    )
    app.add_middleware(RateLimitMiddleware, limiter=limiter, metrics=metrics)
    app.add_middleware(MetricsMiddleware, metrics=metrics)

    @app.exception_handler(UnicodeDecodeError)
    async def _bad_encoding(request: Request, exc: UnicodeDecodeError) -> JSONResponse:
        return JSONResponse(status_code=400, content={"detail": "the body is not UTF-8 text"})
