"""Discovery from sitemaps: fetch index files and URL sets, keep in-scope entries.

Separate from the session because it runs once per run (before any page) and its failures are
reported differently: a broken sitemap makes the run incomplete (so nothing is marked gone for
being absent), but it is not a page outcome.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ingest.crawl.fetcher import Fetcher
from ingest.crawl.media import MediaKind
from ingest.crawl.sitemaps import SitemapEntry, parse_sitemap
from ingest.crawl.urls import absolutize
from ingest.errors import FetchError

__all__ = ["MAX_SITEMAP_FILES", "SitemapDiscovery", "discover_from_sitemaps"]

#: Sitemap index files nest; real sites use one level, a loop must not recurse forever.
MAX_SITEMAP_FILES = 100
_SITEMAP_MEDIA: frozenset[MediaKind] = frozenset({"xml", "text"})


@dataclass
class SitemapDiscovery:
    """In-scope page entries, and the sitemaps that could not be read (URL, why)."""

    entries: list[SitemapEntry] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)


async def discover_from_sitemaps(
    fetcher: Fetcher, sitemap_urls: list[str], *, in_scope: Callable[[str], bool]
) -> SitemapDiscovery:
    """Read ``sitemap_urls`` and the index files they name, breadth first, once each."""
    found = SitemapDiscovery()
    pending = [u for u in (absolutize(s, s) for s in sitemap_urls) if u]
    visited: set[str] = set()
    while pending and len(visited) < MAX_SITEMAP_FILES:
        sitemap_url = pending.pop(0)
        if sitemap_url in visited:
            continue
        visited.add(sitemap_url)
        try:
            result = await fetcher.get(sitemap_url, accept=_SITEMAP_MEDIA)
            if result.outcome != "ok":
                raise FetchError(
                    f"{sitemap_url}: {result.outcome} (HTTP {result.status})", url=sitemap_url
                )
            sitemap = parse_sitemap(result.body)
        except (FetchError, ValueError) as exc:
            found.failures.append((sitemap_url, f"sitemap: {exc}"))
            continue
        pending.extend(child.url for child in sitemap.children)
        found.entries.extend(entry for entry in sitemap.entries if in_scope(entry.url))
    return found
