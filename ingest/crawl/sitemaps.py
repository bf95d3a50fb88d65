"""Sitemap parsing (sitemaps.org 0.9): URL sets, index files and ``lastmod``.

``lastmod`` lets a re-crawl skip pages whose stored version is newer than the sitemap says
the page is, without even a conditional request. Parsing is pure; fetching is the crawler's.
The XML parser resolves no entities and loads nothing from the network.
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml import etree

from ingest.crawl.urls import normalize_url

__all__ = ["MAX_SITEMAP_BYTES", "Sitemap", "SitemapEntry", "parse_lastmod", "parse_sitemap"]

#: sitemaps.org: at most 50 MB uncompressed per file.
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """One ``<url>``: where, and when it last changed if the site says so."""

    url: str
    lastmod: datetime | None = None


@dataclass(frozen=True, slots=True)
class Sitemap:
    """A parsed sitemap: page entries and, for index files, child sitemaps."""

    entries: list[SitemapEntry] = field(default_factory=list)
    children: list[SitemapEntry] = field(default_factory=list)


def parse_lastmod(value: str | None) -> datetime | None:
    """A W3C datetime (``2024-05-01`` or ``2024-05-01T10:00:00+02:00``) as aware UTC."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(element: etree._Element, name: str) -> str | None:
    for child in element:
        if _local(child.tag) == name and child.text:
            return str(child.text).strip()
    return None


def parse_sitemap(body: bytes) -> Sitemap:
    """Parse a sitemap or sitemap index, gzipped or not; malformed entries are dropped.

    Raises:
        ValueError: the body is not XML, or decompresses past :data:`MAX_SITEMAP_BYTES`.
    """
    if body[:2] == b"\x1f\x8b":
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
            body = stream.read(MAX_SITEMAP_BYTES + 1)
        if len(body) > MAX_SITEMAP_BYTES:
            raise ValueError(f"sitemap decompresses past {MAX_SITEMAP_BYTES} bytes")
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"sitemap is not well-formed XML: {exc}") from exc
    kind = _local(root.tag)
    item_tag = "sitemap" if kind == "sitemapindex" else "url"
    items: list[SitemapEntry] = []
    for element in root:
        if _local(element.tag) != item_tag:
            continue
        location = _child_text(element, "loc")
        if not location:
            continue
        try:
            url = normalize_url(location)
        except ValueError:
            continue
        items.append(SitemapEntry(url, parse_lastmod(_child_text(element, "lastmod"))))
    if kind == "sitemapindex":
        return Sitemap(children=items)
    return Sitemap(entries=items)
