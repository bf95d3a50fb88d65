"""The ASGI application, ``create_app(settings)``: the composition root of the HTTP service.

Everything a request uses is built here or in the lifespan, once: the metrics and the rate
limiter (held by the middleware), the voice channel (Whisper loads in the background from
start-up), then — off the event loop, before the first request is accepted — the runtime and
analytics, into one frozen :class:`~assistant_api.services.Services` that routes reach through
``assistant_api.http.deps``. Tests and the CLI pass their own ``Settings``; ``permanence
serve`` builds them from the environment.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from assistant_api.http.install import install_middleware
from assistant_api.http.metrics import ApiMetrics
from assistant_api.http.ratelimit import TokenBucketLimiter
from assistant_api.http.routes import (
    admin,
    ask,
    chat,
    conversations,
    facts,
    feedback,
    frontend,
    health,
    institutions,
    metrics,
    session,
)
from assistant_api.runtime import AssistantRuntime
from assistant_api.services import ComponentStatus, Services, open_services
from assistant_api.voice import LOADER_JOIN_TIMEOUT_S, build_channel
from assistant_api.voice.routes import router as voice_router
from assistant_api.voice.telephony import router as telephony_router
from permanence import PermanenceError, __version__
from permanence.settings import Settings

__all__ = ["create_app", "services_of"]

logger = logging.getLogger(__name__)


def create_app(settings: Settings, *, runtime: AssistantRuntime | None = None) -> FastAPI:
    """The API; with ``runtime`` given, it is used as is (and not closed at shutdown)."""
    api_metrics = ApiMetrics()
    limiter = TokenBucketLimiter(rate_per_minute=settings.limits.requests_per_minute)
    components = ComponentStatus()
    voice = build_channel(
        settings.voice,
        model_dir=settings.whisper_model_dir,
        glossary_path=settings.glossary_path,
        on_status=lambda status: components.set("voice", status),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        voice.start_loading()
        try:
            services = await run_in_threadpool(
                open_services,
                settings,
                metrics=api_metrics,
                limiter=limiter,
                voice=voice,
                components=components,
                runtime=runtime,
            )
            app.state.services = services
            try:
                yield
            finally:
                app.state.services = None
                await run_in_threadpool(services.close)
        finally:
            # Never leave the loader running into interpreter shutdown (native threads).
            await run_in_threadpool(voice.wait_ready, LOADER_JOIN_TIMEOUT_S)

    app = FastAPI(
        title="Permanence",
        version=__version__,
        summary="Orientation in the social and health network of the canton of Neuchâtel.",
        lifespan=lifespan,
    )
    app.state.services = None
    for module in (
        ask,
        conversations,
        health,
        institutions,
        session,
        feedback,
        admin,
        metrics,
        chat,
        facts,
    ):
        app.include_router(module.router)
    app.include_router(voice_router)  # /v1/voice
    app.include_router(telephony_router)  # /v1/telephony
    app.include_router(frontend.router)  # the widget and the console
    install_middleware(app, settings, metrics=api_metrics, limiter=limiter)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
            for e in exc.errors()
        ]
        return JSONResponse(
            status_code=422,
            content={"detail": "the request is malformed", "errors": errors},
        )

    @app.exception_handler(PermanenceError)
    async def _domain_error(request: Request, exc: PermanenceError) -> JSONResponse:
        logger.warning("request failed: %s", exc)
        return JSONResponse(status_code=503, content={"detail": str(exc)})

    return app


def services_of(app: FastAPI) -> Services:
    """The services of a started app (inside its lifespan), for tests and in-process callers.

    Raises:
        RuntimeError: when the app has not started or has stopped.
    """
    services: Services | None = getattr(app.state, "services", None)
    if services is None:
        raise RuntimeError("the app is not running: enter its lifespan first")
    return services
