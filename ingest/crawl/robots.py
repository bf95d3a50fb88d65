"""robots.txt per RFC 9309, fetched once per origin and cached at most 24 hours.

The RFC's failure rules are the part crawlers get wrong: a 4xx robots.txt (usually 404) means
"no rules", so everything is allowed; a 5xx or an unreachable server means "complete
disallow", because the site may be overloaded and its rules unknown. Redirects are followed
up to five hops (§2.3.1.2).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from protego import Protego

from ingest.crawl.fetcher import Fetcher
from ingest.crawl.media import MediaKind
from ingest.crawl.urls import absolutize, origin_of
from ingest.errors import FetchError

__all__ = ["ROBOTS_AGENT", "RobotsCache", "RobotsRules"]

logger = logging.getLogger(__name__)

#: The product token matched against ``User-agent:`` lines (RFC 9309 §2.2.1).
ROBOTS_AGENT = "Permanence"
#: RFC 9309 §2.3.1.2: follow at least five redirects.
_MAX_ROBOTS_REDIRECTS = 5
#: RFC 9309 §2.5: parse at least 500 KiB.
_MAX_ROBOTS_BYTES = 512_000
_ROBOTS_MEDIA: frozenset[MediaKind] = frozenset({"text", "html", "xml"})


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """The rules of one origin: ``allow_all``, ``disallow_all`` or a parsed file."""

    mode: Literal["allow_all", "disallow_all", "parsed"]
    reason: str
    parser: Protego | None = None

    def allows(self, url: str) -> bool:
        if self.mode == "parsed" and self.parser is not None:
            return bool(self.parser.can_fetch(url, ROBOTS_AGENT))
        return self.mode == "allow_all"

    def crawl_delay(self) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(ROBOTS_AGENT)
        return None if delay is None else float(delay)

    def sitemaps(self) -> list[str]:
        return [] if self.parser is None else list(self.parser.sitemaps)


class RobotsCache:
    """Fetch and remember robots.txt per origin.

    Args:
        fetcher: Used for the robots.txt request (same client, so intranet auth applies).
        ttl_s: How long rules are kept; the RFC caps this at 24 hours.
    """

    def __init__(
        self, fetcher: Fetcher, *, ttl_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if not 0 <= ttl_s <= 86_400:
            raise ValueError(f"ttl_s must be between 0 and 86400 (RFC 9309 §2.4), got {ttl_s}")
        self._fetcher = fetcher
        self._ttl_s = ttl_s
        self._clock = clock
        self._rules: dict[str, tuple[float, RobotsRules]] = {}
        self.fetches = 0

    async def rules_for(self, url: str) -> RobotsRules:
        """The rules governing ``url``'s origin, from cache when fresh."""
        origin = origin_of(url)
        cached = self._rules.get(origin)
        if cached is not None and cached[0] > self._clock():
            return cached[1]
        rules = await self._load(origin)
        self._rules[origin] = (self._clock() + self._ttl_s, rules)
        return rules

    async def allows(self, url: str) -> bool:
        return (await self.rules_for(url)).allows(url)

    async def _load(self, origin: str) -> RobotsRules:
        self.fetches += 1
        target = f"{origin}/robots.txt"
        for _ in range(_MAX_ROBOTS_REDIRECTS + 1):
            try:
                result = await self._fetcher.get(
                    target, accept=_ROBOTS_MEDIA, max_bytes=_MAX_ROBOTS_BYTES
                )
            except FetchError as exc:
                if exc.status is not None and 400 <= exc.status < 500 and exc.status != 429:
                    return RobotsRules("allow_all", f"robots.txt answered {exc.status}")
                logger.warning("robots.txt of %s unreachable, disallowing all: %s", origin, exc)
                reason = f"robots.txt unreachable ({exc.status or 'network error'})"
                return RobotsRules("disallow_all", reason)
            if result.outcome == "redirect" and result.location:
                next_target = absolutize(target, result.location)
                if next_target is None:
                    break
                target = next_target
                continue
            if result.outcome == "ok":
                text = result.body.decode("utf-8", errors="replace")
                return RobotsRules("parsed", "robots.txt parsed", Protego.parse(text))
            if result.outcome == "gone" or 400 <= result.status < 500:
                return RobotsRules("allow_all", f"robots.txt answered {result.status}")
            if result.outcome == "unsupported":
                return RobotsRules("allow_all", f"robots.txt served as {result.content_type}")
            return RobotsRules("disallow_all", f"robots.txt {result.outcome} ({result.detail})")
        return RobotsRules("disallow_all", "robots.txt redirects too often")
