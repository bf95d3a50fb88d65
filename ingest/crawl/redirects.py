"""Follow redirects hop by hop, checking robots.txt, scope, loops and login bounces on each hop.

httpx could follow redirects itself, but then a redirect to another site, to a disallowed path
or back to the login page would be fetched before anyone could say no. Keys are normalised
URLs, while each hop requests the URL exactly as the server spelled it: a site answering
``/themes`` with ``301 /themes/`` gets ``/themes/`` next (same key), and relative links are
later resolved against that real URL.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urljoin

from ingest.crawl.auth import is_login_redirect
from ingest.crawl.config import SourceConfig
from ingest.crawl.fetcher import Fetcher, FetchResult
from ingest.crawl.media import DOCUMENT_MEDIA
from ingest.crawl.robots import RobotsCache
from ingest.crawl.urls import absolutize, host_of

__all__ = ["MAX_CRAWL_DELAY_S", "Followed", "fetch_following"]

#: A robots.txt ``Crawl-delay`` above this is treated as this (one page a minute is still polite).
MAX_CRAWL_DELAY_S = 60.0

#: ETag and Last-Modified for a normalised URL; awaited, as it reads the store off the loop.
Validators = Callable[[str], Awaitable[tuple[str | None, str | None]]]


@dataclass(frozen=True, slots=True)
class Followed:
    """Where a chain ended: a final answer (``result``), or an outcome that stops the URL."""

    final: str
    result: FetchResult | None = None
    outcome: str | None = None
    detail: str = ""


async def fetch_following(
    url: str,
    *,
    source: SourceConfig,
    fetcher: Fetcher,
    robots: RobotsCache | None,
    in_scope: Callable[[str], bool],
    validators: Validators,
) -> Followed:
    """Fetch ``url``, following at most ``source.limits.max_redirects`` redirects.

    Args:
        url: The normalised URL to fetch.
        source: Limits and the login page of form-auth intranets.
        fetcher: Makes each request (politeness, retries, size limits).
        robots: Checked before every hop; ``None`` skips robots.txt.
        in_scope: Whether a redirect target may be followed.
        validators: ETag and Last-Modified to send for a normalised URL.

    Raises:
        FetchError: a hop could not be fetched after retries.
    """
    chain = [url]
    requested: set[str] = set()
    current = url
    fetch_url = url
    for _ in range(source.limits.max_redirects + 1):
        if robots is not None:
            rules = await robots.rules_for(fetch_url)
            if not rules.allows(fetch_url):
                return Followed(
                    current, outcome="disallowed", detail=f"{fetch_url}: {rules.reason}"
                )
            delay = rules.crawl_delay()
            if delay is not None:
                fetcher.politeness.set_delay(host_of(current), min(delay, MAX_CRAWL_DELAY_S))
        etag, last_modified = await validators(current)
        requested.add(fetch_url)
        result = await fetcher.get(
            fetch_url, accept=DOCUMENT_MEDIA, etag=etag, last_modified=last_modified
        )
        if result.outcome != "redirect":
            return Followed(current, result=result)
        if is_login_redirect(source, result.location, fetch_url):
            detail = f"{fetch_url} sends to the login page; session lost"
            return Followed(current, outcome="auth_error", detail=detail)
        raw = urljoin(fetch_url, (result.location or "").strip())
        target = absolutize(fetch_url, result.location or "")
        if target is None:
            detail = f"{fetch_url}: unusable Location {result.location!r}"
            return Followed(current, outcome="error", detail=detail)
        if raw in requested or (target in chain and target != current):
            return Followed(current, outcome="redirect_loop", detail=" → ".join([*chain, target]))
        if not in_scope(target):
            return Followed(current, outcome="out_of_scope", detail=f"redirects to {target}")
        if target != current:
            chain.append(target)
        current = target
        fetch_url = raw
    detail = f"more than {source.limits.max_redirects} redirects: {' → '.join(chain)}"
    return Followed(current, outcome="too_many_redirects", detail=detail)
