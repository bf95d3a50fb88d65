"""Wire the API's cross-cutting services into an app: limits, CORS, metrics, analytics, admin.

``create_app`` calls :func:`install_api` once. Like the voice channel, it wraps the existing
lifespan instead of replacing it: the analytics store and its recorder open after the runtime
(they need its institution records) and close before it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from assistant_api.analytics.recorder import AnalyticsRecorder
from assistant_api.analytics.redaction import build_redactor
from assistant_api.analytics.store import AnalyticsStore
from assistant_api.analytics.themes import ThemeClassifier
from assistant_api.http.metrics import ApiMetrics
from assistant_api.http.middleware import (
    BodyLimitMiddleware,
    MetricsMiddleware,
    RateLimitMiddleware,
)
from assistant_api.http.ratelimit import TokenBucketLimiter
from assistant_api.http.routes import admin, chat, feedback, metrics
from assistant_api.http.state import ApiState
from assistant_api.llm import LLMComposer
from index import Glossary
from permanence.settings import Settings

__all__ = ["install_api"]

logger = logging.getLogger(__name__)

#: Paths that take large uploads (voice recordings) and their own limit setting.
LARGE_BODY_PREFIXES = ("/v1/voice", "/v1/telephony")


def _cors_origins(settings: Settings) -> list[str]:
    return [o.strip() for o in settings.cors_origins.split(",") if o.strip()]


def install_api(app: FastAPI, settings: Settings) -> ApiState:
    """Add middleware, the feedback/admin/metrics/chat routes and the analytics lifecycle."""
    api = ApiState(
        metrics=ApiMetrics(),
        limiter=TokenBucketLimiter(rate_per_minute=settings.rate_limit_per_minute),
    )
    app.state.api = api
    for router in (feedback.router, admin.router, metrics.router, chat.router):
        app.include_router(router)

    origins = _cors_origins(settings)
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type"],
            max_age=600,
        )
    large = int(getattr(settings, "voice_max_bytes", settings.max_body_bytes))
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        overrides={prefix: large for prefix in LARGE_BODY_PREFIXES},
    )
    app.add_middleware(RateLimitMiddleware, limiter=api.limiter, metrics=api.metrics)
    app.add_middleware(MetricsMiddleware, metrics=api.metrics)

    @app.exception_handler(UnicodeDecodeError)
    async def _bad_encoding(request: Request, exc: UnicodeDecodeError) -> JSONResponse:
        return JSONResponse(status_code=400, content={"detail": "the body is not UTF-8 text"})

    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[object]:
        async with inner(application) as state:
            runtime = application.state.runtime
            store = await run_in_threadpool(
                AnalyticsStore,
                settings.data_dir / "analytics.db",
                retention_days=settings.retention_days,
            )
            redactor = build_redactor(settings.redactor)
            api.analytics = store
            api.recorder = AnalyticsRecorder(
                store=store,
                redactor=redactor,
                themes=ThemeClassifier(
                    _glossary(runtime.search_index.retriever.glossary, settings),
                    records=runtime.service.institutions,
                ),
            )
            api.metrics.analytics_pending.set_function(
                lambda: float(api.recorder.pending) if api.recorder is not None else 0.0
            )
            components = getattr(application.state, "components", None)
            if components is None:
                components = {}
                application.state.components = components
            components["redactor"] = redactor.name
            components["composer"] = _composer_name(runtime.composer)
            if isinstance(runtime.composer, LLMComposer):
                runtime.composer.set_outcome_listener(
                    lambda outcome: api.metrics.llm_outcomes.labels(outcome).inc()
                )
            try:
                yield state
            finally:
                api.recorder.close()
                store.close()
                api.recorder = None
                api.analytics = None

    app.router.lifespan_context = lifespan  # type: ignore[assignment]
    return api


def _glossary(retrieving: Glossary | None, settings: Settings) -> Glossary:
    """The retriever's glossary, so themes and query expansion read the same needs; loaded
    from the settings when the retriever expands nothing."""
    return retrieving if retrieving is not None else Glossary.from_file(settings.glossary_path)


def _composer_name(composer: object) -> str:
    """``extractive``, ``llm:http`` or ``llm:embedded`` — what /health shows an operator."""
    if not isinstance(composer, LLMComposer):
        return "extractive"
    from assistant_api.llm.embedded import EmbeddedChatClient

    return "llm:embedded" if isinstance(composer.client, EmbeddedChatClient) else "llm:http"
