"""Pure ASGI middleware: body size limit, per-client rate limit, load shedding, metrics.

Pure ASGI (not ``BaseHTTPMiddleware``) so streaming responses (SSE) pass through untouched.
Order in the app, outermost first: metrics → rate limit → in-flight caps → body limit → CORS
→ routes. The client is ``scope["client"]``: the peer's address, or the one a trusted proxy
forwarded (uvicorn rewrites it only for ``limits.trusted_proxies``, see ``server_options``).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterable, Mapping, Sequence

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant_api.http.bearer import bearer_token, matches_any
from assistant_api.http.metrics import ApiMetrics
from assistant_api.http.ratelimit import TokenBucketLimiter

__all__ = [
    "BodyLimitMiddleware",
    "ConcurrencyLimitMiddleware",
    "MetricsMiddleware",
    "RateLimitMiddleware",
    "Tarpit",
]


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


#: Seconds a refusal of a client over its limits waits before it is sent. A flooding client
#: sends its next request as soon as the last is refused: 32 connections made ~100 refusals a
#: second, whose parsing and sending took CPU from the polite clients' answers (``make
#: bench``, "abuse"). Waiting costs the server nothing but a sleeping coroutine.
TARPIT_S = 1.0
#: Refusals waiting at once, at most; beyond, they are sent at once (so that a flood of
#: connections cannot hold a file descriptor each for a second).
MAX_TARPITTED = 256


class Tarpit:
    """Delays refusals of over-limit clients, a bounded number at a time.

    One per app, shared by the rate limit and the in-flight cap (``install.py``), so that the
    bound holds for both; its counter lives on the event loop, like the caps'.
    """

    def __init__(self, *, seconds: float = TARPIT_S, max_held: int = MAX_TARPITTED) -> None:
        self.seconds = seconds
        self.max_held = max_held
        self.held = 0

    async def wait(self, at_most: float) -> None:
        if self.held >= self.max_held or at_most <= 0:
            return
        self.held += 1
        try:
            await asyncio.sleep(min(self.seconds, at_most))
        finally:
            self.held -= 1


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

    Only API paths (``/v1/…``) count, telephony webhooks included (unsigned ones are refused,
    but refusing costs a request too; size ``requests_per_minute`` for the platform's
    addresses, docs/voice.md); probes and static files do not.
    """

    EXEMPT_PREFIXES: tuple[str, ...] = ()

    def __init__(
        self,
        app: ASGIApp,
        *,
        limiter: TokenBucketLimiter,
        metrics: ApiMetrics | None = None,
        tarpit: Tarpit | None = None,
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.metrics = metrics
        self.tarpit = tarpit

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
            if self.tarpit is not None:
                await self.tarpit.wait(decision.retry_after_s)
            await _send_json(
                send,
                429,
                {"detail": f"too many requests; retry in {decision.retry_after_s} s"},
                headers=[(b"retry-after", str(decision.retry_after_s).encode())],
            )
            return
        await self.app(scope, receive, send)


class ConcurrencyLimitMiddleware:
    """At most ``max_in_flight`` API requests at once (then 503), ``client_in_flight`` per client
    (then 429), both with ``Retry-After``, without queueing: the 503 at once, the 429 after
    the tarpit's second (a client over its own limit is slowed, the others are not).

    The global cap sheds load before answers queue for seconds behind the two cores; the
    per-client cap is what keeps one flooding address from taking every slot (and most of the
    CPU) from polite clients, which the token bucket alone does not while a burst lasts.
    A request carrying one of ``staff_tokens`` (a professional's, a data steward's or the
    admin's) may be one of ``staff_in_flight`` of its address: the console and the steward page
    fetch two or three resources at once, and a flood cannot forge a token.
    Probes and metrics (outside ``/v1/``) are never shed. Telephony webhooks are exempt from
    the per-client cap only: a platform calls from a few addresses for many callers.

    The counters live on the event loop (one per app): no lock is needed, and a request is
    counted until its response, streamed or not, has been sent.
    """

    CLIENT_EXEMPT_PREFIXES = ("/v1/telephony",)
    RETRY_AFTER_S = 1

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_in_flight: int,
        client_in_flight: int,
        staff_in_flight: int | None = None,
        staff_tokens: Sequence[str] = (),
        tarpit: Tarpit | None = None,
    ) -> None:
        staff = client_in_flight if staff_in_flight is None else staff_in_flight
        if max_in_flight < 1 or client_in_flight < 1 or staff < 1:
            raise ValueError(
                f"max_in_flight={max_in_flight}, client_in_flight={client_in_flight} and "
                f"staff_in_flight={staff} must be at least 1"
            )
        self.app = app
        self.max_in_flight = max_in_flight
        self.client_in_flight = client_in_flight
        self.staff_in_flight = staff
        self.staff_tokens = tuple(t for t in staff_tokens if t)
        self.tarpit = tarpit
        self.in_flight = 0
        self._clients: dict[str, int] = {}

    def _client_cap(self, scope: Scope) -> int:
        """The cap of this request's address: the staff one for a valid staff token."""
        if not self.staff_tokens or self.staff_in_flight <= self.client_in_flight:
            return self.client_in_flight
        token = bearer_token(Headers(scope=scope).get("authorization"))
        if token is not None and matches_any(token, self.staff_tokens):
            return self.staff_in_flight
        return self.client_in_flight

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if (
            scope["type"] != "http"
            or not path.startswith("/v1/")
            or scope.get("method") == "OPTIONS"  # CORS preflights: no work, and often parallel
        ):
            await self.app(scope, receive, send)
            return
        retry = [(b"retry-after", str(self.RETRY_AFTER_S).encode())]
        if self.in_flight >= self.max_in_flight:
            await _send_json(
                send, 503, {"detail": "the service is busy; retry in a moment"}, headers=retry
            )
            return
        client = scope.get("client")
        key = None if path.startswith(self.CLIENT_EXEMPT_PREFIXES) else (client or ("?",))[0]
        if key is not None:
            cap = self._client_cap(scope)
            if self._clients.get(key, 0) >= cap:
                plural = "s" if cap > 1 else ""
                detail = f"at most {cap} request{plural} at once per client; retry"
                if self.tarpit is not None:
                    await self.tarpit.wait(self.RETRY_AFTER_S)
                await _send_json(send, 429, {"detail": detail}, headers=retry)
                return
        self.in_flight += 1
        if key is not None:
            self._clients[key] = self._clients.get(key, 0) + 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1
            if key is not None:
                left = self._clients.pop(key) - 1
                if left:
                    self._clients[key] = left


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
