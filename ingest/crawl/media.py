"""Which bodies the crawler reads: decided from headers before the body is downloaded.

Deciding before reading matters: a 300 MB video linked from a page must cost one header
exchange, not 300 MB. ``application/octet-stream`` (common for files behind CMS download
links) falls back to the URL's extension.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

__all__ = ["DOCUMENT_MEDIA", "MediaKind", "classify_media", "parse_content_type"]

MediaKind = Literal["html", "pdf", "docx", "text", "xml"]

#: The kinds that become documents (``xml`` is only read for sitemaps).
DOCUMENT_MEDIA: frozenset[MediaKind] = frozenset({"html", "pdf", "docx", "text"})

_BY_TYPE: dict[str, MediaKind] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/plain": "text",
    "text/markdown": "text",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/gzip": "xml",
    "application/x-gzip": "xml",
}
_BY_EXTENSION: dict[str, MediaKind] = {
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".txt": "text",
    ".md": "text",
    ".xml": "xml",
    ".gz": "xml",
}
_GENERIC = {"", "application/octet-stream", "binary/octet-stream", "application/download"}


def parse_content_type(header: str | None) -> tuple[str, str | None]:
    """``("text/html", "utf-8")`` from ``text/html; charset=UTF-8``; charset may be ``None``."""
    if not header:
        return "", None
    media, _, params = header.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            charset = value.strip().strip("\"'").lower()
    return media.strip().lower(), charset


def _by_extension(url: str) -> MediaKind | None:
    path = urlsplit(url).path.lower()
    for extension, kind in _BY_EXTENSION.items():
        if path.endswith(extension):
            return kind
    return None


def classify_media(content_type: str | None, url: str) -> MediaKind | None:
    """The kind of body announced by ``Content-Type`` (or the extension); ``None`` if unusable."""
    media, _ = parse_content_type(content_type)
    if media in _BY_TYPE:
        return _BY_TYPE[media]
    if media in _GENERIC or not content_type:
        return _by_extension(url)
    return None
