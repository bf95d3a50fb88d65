"""Polite, incremental crawling of GSR fiches, institution websites, intranets and files.

Public names only; other packages import from ``ingest.crawl``.
"""

from __future__ import annotations

from ingest.crawl.config import (
    USER_AGENT,
    SourceConfig,
    SourcesFile,
    load_sources,
)
from ingest.crawl.crawler import Crawler
from ingest.crawl.fetcher import Fetcher, FetchResult, parse_retry_after
from ingest.crawl.politeness import Politeness
from ingest.crawl.report import CrawlReport, UrlOutcome
from ingest.crawl.robots import RobotsCache, RobotsRules
from ingest.crawl.sitemaps import Sitemap, SitemapEntry, parse_sitemap
from ingest.crawl.urls import in_scope, normalize_url

__all__ = [
    "USER_AGENT",
    "CrawlReport",
    "Crawler",
    "FetchResult",
    "Fetcher",
    "Politeness",
    "RobotsCache",
    "RobotsRules",
    "Sitemap",
    "SitemapEntry",
    "SourceConfig",
    "SourcesFile",
    "UrlOutcome",
    "in_scope",
    "load_sources",
    "normalize_url",
    "parse_retry_after",
    "parse_sitemap",
]
