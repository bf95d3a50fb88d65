"""The ASGI application: ``create_app(settings)``.

Models load once, in the lifespan, before the first request is accepted. Tests and the CLI
pass their own ``Settings``; ``permanence serve`` builds them from the environment.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from assistant_api.http.install import install_api
from assistant_api.http.routes import ask, frontend, health, institutions, session
from assistant_api.runtime import AssistantRuntime, open_runtime
from assistant_api.voice import install_voice
from permanence import PermanenceError, __version__
from permanence.settings import Settings

__all__ = ["create_app"]

logger = logging.getLogger(__name__)


def create_app(settings: Settings, *, runtime: AssistantRuntime | None = None) -> FastAPI:
    """The API; with ``runtime`` given, it is used as is (and not closed at shutdown)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = runtime is None
        app.state.runtime = runtime or await run_in_threadpool(open_runtime, settings)
        try:
            yield
        finally:
            if owned:
                app.state.runtime.close()
            app.state.runtime = None

    app = FastAPI(
        title="Permanence",
        version=__version__,
        summary="Orientation in the social and health network of the canton of Neuchâtel.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.runtime = None
    app.include_router(ask.router)
    app.include_router(health.router)
    app.include_router(institutions.router)
    app.include_router(session.router)
    app.include_router(frontend.router)
    install_voice(app, settings)  # /v1/voice, /v1/telephony; Whisper loads at start-up
    install_api(app, settings)  # limits, CORS, metrics, feedback, admin, chat facade, analytics

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
