"""One HTTP exchange, done politely and defensively: retries, size and time limits.

The fetcher does not follow redirects (the crawler does, to check scope, robots and loops on
every hop) and does not decide what a page means. It returns expected outcomes as values
(``ok``, ``not_modified``, ``gone``, ``redirect``, ``unsupported``, ``too_large``) and raises
:class:`~ingest.errors.FetchError` only when the URL could not be fetched after retries.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Literal

import httpx

from ingest.crawl.config import LimitsConfig, RetryConfig
from ingest.crawl.media import MediaKind, classify_media, parse_content_type
from ingest.crawl.politeness import Politeness
from ingest.crawl.urls import host_of
from ingest.errors import FetchError

__all__ = ["RETRY_STATUSES", "FetchResult", "Fetcher", "parse_retry_after"]

logger = logging.getLogger(__name__)

#: Statuses that mean "try again later" (RFC 9110 §15.6, RFC 6585 §4).
RETRY_STATUSES: frozenset[int] = frozenset({408, 425, 429, 500, 502, 503, 504})
_GONE_STATUSES = frozenset({404, 410})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

Outcome = Literal["ok", "not_modified", "gone", "redirect", "unsupported", "too_large"]


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one URL answered (after retries, before redirects are followed)."""

    url: str
    outcome: Outcome
    status: int
    body: bytes = b""
    media: MediaKind | None = None
    content_type: str | None = None
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    location: str | None = None
    attempts: int = 1
    detail: str = ""


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class _Retry(Exception):
    """Internal: this attempt failed in a way worth retrying."""

    def __init__(self, reason: str, *, status: int | None = None, wait: float | None = None):
        super().__init__(reason)
        self.status = status
        self.wait = wait


class Fetcher:
    """GET one URL through the politeness gate, with retries and limits.

    Args:
        client: The injected async client (user agent, auth, timeouts are set on it).
        politeness: The per-host gate shared by every request of the crawl.
        retry: Retry policy.
        limits: Body size and total time limits.
        sleep: Injected for tests that must not wait; defaults to :func:`asyncio.sleep`.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        politeness: Politeness,
        retry: RetryConfig,
        limits: LimitsConfig,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._client = client
        self._politeness = politeness
        self._retry = retry
        self._limits = limits
        self._sleep = sleep
        self.requests = 0

    @property
    def politeness(self) -> Politeness:
        """The shared per-host gate (robots.txt ``Crawl-delay`` raises a host's pause)."""
        return self._politeness

    async def get(
        self,
        url: str,
        *,
        accept: frozenset[MediaKind],
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """Fetch ``url`` once (plus retries).

        Args:
            url: A normalised absolute URL.
            accept: Media kinds whose bodies are read; others come back ``unsupported``.
            etag: Validator for ``If-None-Match``.
            last_modified: Validator for ``If-Modified-Since``.
            max_bytes: Body limit, defaulting to the configured ``max_bytes``.

        Raises:
            FetchError: retries exhausted, a timeout, a network error or an unexpected status.
        """
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        limit = max_bytes or self._limits.max_bytes
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._attempt(url, headers, accept, limit, attempt)
            except _Retry as retry:
                if attempt > self._retry.max_retries:
                    raise FetchError(
                        f"{url}: {retry} after {attempt} attempts; the server may be down, "
                        "the next crawl will try again (nothing stored was changed)",
                        url=url,
                        status=retry.status,
                    ) from None
                wait = self._backoff(attempt, retry.wait)
                logger.info("retrying %s in %.2fs (%s)", url, wait, retry)
                await self._sleep(wait)

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self._retry.retry_after_cap_s)
        base = self._retry.backoff_s * (2 ** (attempt - 1))
        return float(base * (1.0 + random.uniform(0.0, 0.1)))

    async def _attempt(
        self,
        url: str,
        headers: dict[str, str],
        accept: frozenset[MediaKind],
        limit: int,
        attempt: int,
    ) -> FetchResult:
        async with self._politeness.slot(host_of(url)):
            self.requests += 1
            started = time.monotonic()
            try:
                async with asyncio.timeout(self._limits.total_timeout_s):
                    return await self._exchange(url, headers, accept, limit, attempt)
            except TimeoutError:
                raise FetchError(
                    f"{url}: gave up after {time.monotonic() - started:.1f}s "
                    f"(total_timeout_s={self._limits.total_timeout_s}); the server sends too "
                    "slowly",
                    url=url,
                ) from None
            except httpx.TimeoutException as exc:
                raise _Retry(f"timeout ({type(exc).__name__})") from None
            except httpx.TransportError as exc:
                raise _Retry(f"network error ({type(exc).__name__}: {exc})") from None

    async def _exchange(
        self,
        url: str,
        headers: dict[str, str],
        accept: frozenset[MediaKind],
        limit: int,
        attempt: int,
    ) -> FetchResult:
        async with self._client.stream("GET", url, headers=headers) as response:
            status = response.status_code
            content_type = response.headers.get("content-type")

            def result(
                outcome: Outcome,
                *,
                body: bytes = b"",
                media: MediaKind | None = None,
                location: str | None = None,
                detail: str = "",
            ) -> FetchResult:
                return FetchResult(
                    url=url,
                    outcome=outcome,
                    status=status,
                    body=body,
                    media=media,
                    content_type=content_type,
                    charset=parse_content_type(content_type)[1],
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                    location=location,
                    attempts=attempt,
                    detail=detail,
                )

            if status in RETRY_STATUSES:
                raise _Retry(
                    f"HTTP {status}",
                    status=status,
                    wait=parse_retry_after(response.headers.get("retry-after")),
                )
            if status == 304:
                return result("not_modified")
            if status in _GONE_STATUSES:
                return result("gone")
            if status in _REDIRECT_STATUSES:
                location = response.headers.get("location")
                if not location:
                    raise FetchError(
                        f"{url}: HTTP {status} without a Location header", url=url, status=status
                    )
                return result("redirect", location=location)
            if not 200 <= status < 300:
                raise FetchError(f"{url}: HTTP {status}", url=url, status=status)
            media = classify_media(content_type, url)
            if media is None or media not in accept:
                return result(
                    "unsupported",
                    media=media,
                    detail=f"content type {content_type or 'missing'} is not crawled",
                )
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                return result(
                    "too_large",
                    media=media,
                    detail=f"Content-Length {declared} exceeds max_bytes={limit}",
                )
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    return result(
                        "too_large",
                        media=media,
                        detail=f"body exceeds max_bytes={limit}; download aborted",
                    )
                chunks.append(chunk)
            return result("ok", body=b"".join(chunks), media=media)
