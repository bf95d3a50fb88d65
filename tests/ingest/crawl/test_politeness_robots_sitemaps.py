"""Retry-After parsing, per-host politeness, robots.txt rules and caching, sitemap parsing."""

from __future__ import annotations

import asyncio
import gzip
from datetime import UTC, datetime

import httpx
import pytest

from ingest.crawl import Fetcher, Politeness, RobotsCache, parse_retry_after, parse_sitemap
from ingest.crawl.config import LimitsConfig, RetryConfig
from ingest.crawl.sitemaps import parse_lastmod
from tests.ingest.crawl.conftest import FaultSite

NOW = datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        pytest.param("120", 120.0, id="delta-seconds"),
        pytest.param("Sun, 22 Nov 2026 12:00:30 GMT", 30.0, id="http-date"),
        pytest.param("Sun, 22 Nov 2026 11:00:00 GMT", 0.0, id="date-in-the-past"),
        pytest.param("soon", None, id="garbage"),
        pytest.param(None, None, id="absent"),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


@pytest.mark.unit
def test_politeness_spaces_request_starts_per_host() -> None:
    waits: list[tuple[str, float]] = []
    current = ""

    async def fake_sleep(seconds: float) -> None:
        waits.append((current, round(seconds, 6)))

    gate = Politeness(2, 0.2, clock=lambda: 100.0, sleep=fake_sleep)

    async def request(host: str) -> None:
        nonlocal current
        current = host
        async with gate.slot(host):
            pass

    async def main() -> None:
        for host in ["a", "a", "a", "b", "a"]:
            await request(host)

    asyncio.run(main())
    # Starts are scheduled 0.2 s apart per host, whatever the wall clock does; "b" never waits.
    assert waits == [("a", 0.2), ("a", 0.4), ("a", 0.6)]
    gate.set_delay("a", 1.0)  # a robots.txt Crawl-delay raises the pause...
    gate.set_delay("a", 0.1)  # ...and never lowers it
    assert gate.delay_for("a") == 1.0
    assert gate.delay_for("b") == 0.2


@pytest.mark.unit
def test_politeness_refuses_bad_values() -> None:
    with pytest.raises(ValueError, match="concurrency must be at least 1, got 0"):
        Politeness(0, 1.0)
    with pytest.raises(ValueError, match="delay_s must be zero or positive, got -1"):
        Politeness(1, -1)


def _robots(site: FaultSite, client: httpx.AsyncClient, ttl_s: float) -> RobotsCache:
    fetcher = Fetcher(
        client,
        politeness=Politeness(1, 0.0),
        retry=RetryConfig(max_retries=1, backoff_s=0.01),
        limits=LimitsConfig(timeout_s=1.0),
    )
    return RobotsCache(fetcher, ttl_s=ttl_s)


@pytest.mark.integration
@pytest.mark.parametrize(
    ("status", "allowed", "reason"),
    [
        pytest.param(200, False, "robots.txt parsed", id="parsed-disallow"),
        pytest.param(404, True, "robots.txt answered 404", id="4xx-allows-all"),
        pytest.param(403, True, "robots.txt answered 403", id="403-allows-all"),
        pytest.param(500, False, "robots.txt unreachable (500)", id="5xx-disallows-all"),
        pytest.param(429, False, "robots.txt unreachable (429)", id="429-disallows-all"),
    ],
)
def test_robots_status_rules(
    fault_site: FaultSite, status: int, allowed: bool, reason: str
) -> None:
    fault_site.state.robots_status = status

    async def main() -> tuple[bool, str]:
        async with httpx.AsyncClient() as client:
            robots = _robots(fault_site, client, 60)
            rules = await robots.rules_for(fault_site.url("/private/x"))
            return rules.allows(fault_site.url("/private/x")), rules.reason

    assert asyncio.run(main()) == (allowed, reason)


@pytest.mark.integration
def test_robots_is_cached_for_its_ttl(fault_site: FaultSite) -> None:
    async def main(ttl_s: float) -> int:
        async with httpx.AsyncClient() as client:
            robots = _robots(fault_site, client, ttl_s)
            for path in ("/a", "/b", "/private/c"):
                await robots.allows(fault_site.url(path))
            return robots.fetches

    assert asyncio.run(main(86_400)) == 1
    assert asyncio.run(main(0)) == 3
    with pytest.raises(ValueError, match="ttl_s must be between 0 and 86400"):
        RobotsCache(object(), ttl_s=90_000)  # type: ignore[arg-type]


@pytest.mark.unit
def test_parse_sitemap_urlset_with_lastmod() -> None:
    body = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://A.ch/x/?utm_source=s</loc><lastmod>2026-11-01</lastmod></url>"
        b"<url><loc>https://a.ch/y</loc><lastmod>2026-11-02T10:00:00+01:00</lastmod></url>"
        b"<url><loc>not a url</loc></url><url><lastmod>2026-01-01</lastmod></url></urlset>"
    )
    sitemap = parse_sitemap(body)
    assert [(e.url, e.lastmod) for e in sitemap.entries] == [
        ("https://a.ch/x", datetime(2026, 11, 1, tzinfo=UTC)),
        ("https://a.ch/y", datetime(2026, 11, 2, 9, 0, tzinfo=UTC)),
    ]
    assert sitemap.children == []


@pytest.mark.unit
def test_parse_sitemap_index_gzipped() -> None:
    body = gzip.compress(
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://a.ch/s1.xml</loc></sitemap>"
        b"<sitemap><loc>https://a.ch/s2.xml</loc><lastmod>2026-11-22</lastmod></sitemap>"
        b"</sitemapindex>"
    )
    sitemap = parse_sitemap(body)
    assert [c.url for c in sitemap.children] == ["https://a.ch/s1.xml", "https://a.ch/s2.xml"]
    assert sitemap.entries == []


@pytest.mark.unit
def test_parse_sitemap_refuses_broken_xml_and_entities() -> None:
    with pytest.raises(ValueError, match="not well-formed XML"):
        parse_sitemap(b"<urlset><url><loc>https://a.ch/</loc>")
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY e "https://evil.ch/">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&e;</loc></url></urlset>'
    )
    assert parse_sitemap(bomb).entries == []


@pytest.mark.unit
@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        pytest.param("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC), id="date"),
        pytest.param("2026-11-01T06:00:00Z", datetime(2026, 11, 1, 6, tzinfo=UTC), id="utc"),
        pytest.param("yesterday", None, id="garbage"),
    ],
)
def test_parse_lastmod(value: str, parsed: datetime | None) -> None:
    assert parse_lastmod(value) == parsed
