"""The HTTP layers around the routes: CORS, body and rate limits, load shedding, metrics.

``create_app`` calls :func:`install_middleware` once, with the metrics and the limiter it also
hands to the services, so that ``/metrics`` counts what the middleware saw.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from assistant_api.http.metrics import ApiMetrics
from assistant_api.http.middleware import (
    BodyLimitMiddleware,
    ConcurrencyLimitMiddleware,
    MetricsMiddleware,
    RateLimitMiddleware,
    Tarpit,
)
from assistant_api.http.ratelimit import TokenBucketLimiter
from permanence.settings import Settings

__all__ = [
    "ERROR_BODY_SCHEMA",
    "LARGE_BODY_PREFIXES",
    "SSE_EVENT_SCHEMA",
    "document_error_responses",
    "install_middleware",
]

#: Paths that take large uploads (voice recordings), limited by ``voice.max_bytes`` instead.
LARGE_BODY_PREFIXES = ("/v1/voice", "/v1/telephony")


#: Every error of the API is ``{"detail": …}`` (a sentence, or an object with a ``reason``);
#: a malformed request adds ``errors``, one per bad field (``app.py``'s validation handler).
ERROR_BODY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {"description": "What is wrong, and what to do."},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {}},
                    "msg": {"type": "string"},
                    "type": {},
                },
            },
        },
    },
}

#: One server-sent event as clients parse it (and schemathesis checks it): ``event:`` and one
#: ``data:`` line of JSON text, per ``answer/streaming.py`` and ``openai_compat.stream_chunks``.
SSE_EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["data"],
    "properties": {
        # "message" is the type of an event without an ``event:`` line (the chat facade's)
        "event": {"type": "string", "enum": ["meta", "sentence", "result", "message"]},
        "data": {"type": "string", "description": "JSON text (or [DONE] for the chat facade)."},
        "id": {"type": "string"},
        "retry": {"type": "integer"},
    },
}

#: What the layers of this module (and the app's error handlers) answer on any ``/v1/`` route.
_EVERY_ROUTE: dict[int, str] = {
    400: "a Content-Length that is not a number, or a body that is not UTF-8 text",
    413: "the body (or the question) is too large",
    429: "too many requests, or too many at once, from this client (see Retry-After)",
    503: "the service is busy (see Retry-After) or a component is unavailable",
}


def document_error_responses(app: FastAPI) -> None:
    """Add the error responses every ``/v1/`` operation can give to the app's OpenAPI schema.

    They come from the middleware and the handlers, not from the routes, so the routes cannot
    declare them; a route's own description of a code is kept. Operations with parameters or
    a body document 422 with the body the validation handler really sends (not FastAPI's
    default schema), and those with a path parameter 404; a server-sent event stream is
    described as events. Done on the generated schema (once, then cached by FastAPI), which
    does not depend on how routers are included.
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        cached = app.openapi_schema is not None
        schema = generate()
        if not cached:
            _add_error_responses(schema)
            _describe_event_streams(schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _add_error_responses(schema: dict[str, Any]) -> None:
    json_error = {"application/json": {"schema": ERROR_BODY_SCHEMA}}
    for path, operations in schema.get("paths", {}).items():
        if not path.startswith("/v1/"):
            continue
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            codes = dict(_EVERY_ROUTE)
            if operation.get("parameters") or operation.get("requestBody"):
                codes[422] = "the request is malformed: a field is missing, wrong or out of range"
            if "{" in path:
                codes[404] = "nothing has this id"
            for code, description in codes.items():
                response = responses.setdefault(str(code), {"description": description})
                content = response.setdefault("content", {})
                if code == 422 or "application/json" not in content:
                    content.update(json_error)


def _describe_event_streams(schema: dict[str, Any]) -> None:
    """A ``text/event-stream`` 2xx is a sequence of events, not one string."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for code, response in operation.get("responses", {}).items():
                stream = response.get("content", {}).get("text/event-stream")
                if code.startswith("2") and stream is not None:
                    stream["schema"] = SSE_EVENT_SCHEMA


def install_middleware(
    app: FastAPI, settings: Settings, *, metrics: ApiMetrics, limiter: TokenBucketLimiter
) -> None:
    """Add the middleware (outermost last), the handler for bodies that are not UTF-8, and the
    error responses they give to the OpenAPI schema (call it after the routes are included)."""
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
    tarpit = Tarpit()  # one bound on the refusals held back, for both limits
    app.add_middleware(
        ConcurrencyLimitMiddleware,
        max_in_flight=settings.limits.max_in_flight,
        client_in_flight=settings.limits.client_in_flight,
        staff_in_flight=settings.limits.staff_in_flight,
        staff_tokens=settings.staff_token_list(),
        tarpit=tarpit,
    )
    app.add_middleware(RateLimitMiddleware, limiter=limiter, metrics=metrics, tarpit=tarpit)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    document_error_responses(app)

    @app.exception_handler(UnicodeDecodeError)
    async def _bad_encoding(request: Request, exc: UnicodeDecodeError) -> JSONResponse:
        return JSONResponse(status_code=400, content={"detail": "the body is not UTF-8 text"})
