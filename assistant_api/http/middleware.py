"""Pure ASGI middleware: body size limit, per-client rate limit, request metrics.

Pure ASGI (not ``BaseHTTPMiddleware``) so streaming responses (SSE) pass through untouched.
Order in the app, outermost first: metrics → rate limit → body limit → CORS → routes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant_api.http.metrics import ApiMetrics
from assistant_api.http.ratelimit import TokenBucketLimiter

__all__ = ["BodyLimitMiddleware", "MetricsMiddleware", "RateLimitMiddleware"]


async def _send_json(
    send: Send, status: int, body: Mapping[str, object], headers: Iterable[tuple[bytes, bytes]] = ()
) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class BodyLimitMiddleware:
    """Refuses request bodies above ``max_bytes`` with 413, whether announced or streamed."""

    def __init__(
        self, app: ASGIApp, *, max_bytes: int, overrides: dict[str, int] | None = None
    ) -> None:
        if max_bytes < 1:
            raise ValueError(f"max_bytes={max_bytes} must be positive")
        self.app = app
        self.max_bytes = max_bytes
        self.overrides = dict(overrides or {})

    def _limit(self, path: str) -> int:
        for prefix, limit in self.overrides.items():
            if path.startswith(prefix):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(str(scope.get("path", "")))
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        too_large = {"detail": f"the request body is larger than {limit} bytes; send less"}
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                await _send_json(send, 400, {"detail": "the Content-Length header is not a number"})
                return
            if length > limit:
                await _send_json(send, 413, too_large)
                return
            if length == 0:
                await self.app(scope, receive, send)
                return
        elif b"chunked" not in headers.get(b"transfer-encoding", b""):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _send_json(send, 413, too_large)
                return
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class RateLimitMiddleware:
    """429 with ``Retry-After`` once a client IP has used its tokens.

    Only API paths (``/v1/…``) count; telephony webhooks are exempt (a platform calls from a
    few addresses for many callers, and they are signed), as are probes and static files.
    """

    EXEMPT_PREFIXES = ("/v1/telephony",)

    def __init__(
        self, app: ASGIApp, *, limiter: TokenBucketLimiter, metrics: ApiMetrics | None = None
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if (
            scope["type"] != "http"
            or not path.startswith("/v1/")
            or path.startswith(self.EXEMPT_PREFIXES)
            or scope.get("method") == "OPTIONS"
        ):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = client[0] if client else "unknown"
        decision = self.limiter.check(key)
        if not decision.allowed:
            if self.metrics is not None:
                self.metrics.rate_limited.inc()
            await _send_json(
                send,
                429,
                {"detail": f"too many requests; retry in {decision.retry_after_s} s"},
                headers=[(b"retry-after", str(decision.retry_after_s).encode())],
            )
            return
        await self.app(scope, receive, send)


class MetricsMiddleware:
    """Counts requests and observes latency by route template (never by raw path)."""

    def __init__(self, app: ASGIApp, *, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def observe(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            method = str(scope.get("method", ""))
            self.metrics.requests.labels(template, method, str(status)).inc()
            self.metrics.latency.labels(template, method).observe(time.perf_counter() - started)
