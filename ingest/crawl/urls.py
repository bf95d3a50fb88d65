"""URL normalisation and scope checks: one page, one key in the store.

Two spellings of the same page (``HTTP://Example.ch:80/a/?utm_source=x#top`` and
``http://example.ch/a``) must map to one document, or the index fills with duplicates and the
"absent from a complete crawl" rule marks live pages gone. The rules are conservative: only
changes that cannot change what the server returns (case of scheme and host, default port,
fragment, tracking parameters, empty query, trailing slash, ``.`` and ``..`` segments).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

__all__ = ["TRACKING_PARAMS", "absolutize", "host_of", "in_scope", "normalize_url", "origin_of"]

#: Query parameters that only track campaigns or sessions; removing them never changes content.
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "igshid",
        "yclid",
        "ref_src",
        "phpsessid",
        "jsessionid",
        "sid",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SAFE_PATH = "/:@!$&'()*+,;=-._~%"


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def normalize_url(url: str) -> str:
    """The canonical spelling of an absolute http(s) URL.

    The trailing slash is dropped from every path except the root, so ``/aide/`` and
    ``/aide`` are one page (sites serving both differently are rare; duplicates are common).

    Raises:
        ValueError: ``url`` is not an absolute http(s) URL.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"{url!r} is not an absolute http(s) URL")
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    path = quote(unquote(parts.path), safe=_SAFE_PATH) or "/"
    path = posixpath.normpath(path) if path != "/" else "/"
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    if path != "/" and path.endswith("/"):
        path = path.rstrip("/") or "/"
    query_pairs = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    query = urlencode(sorted(query_pairs), doseq=True)
    return urlunsplit((scheme, netloc, path, query, ""))


def absolutize(base: str, href: str) -> str | None:
    """Resolve a link against its page and normalise it; ``None`` for non-http links."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    try:
        return normalize_url(urljoin(base, href))
    except ValueError:
        return None


def host_of(url: str) -> str:
    """``host[:port]`` as it appears in a normalised URL."""
    return urlsplit(url).netloc.lower()


def origin_of(url: str) -> str:
    """``scheme://host[:port]``: the unit robots.txt and politeness apply to."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def in_scope(url: str, *, hosts: Iterable[str], prefixes: Iterable[str]) -> bool:
    """Whether a normalised URL is on an allowed host and under an allowed path prefix."""
    parts = urlsplit(url)
    if parts.netloc.lower() not in set(hosts):
        return False
    path = parts.path or "/"
    for prefix in prefixes:
        stem = prefix.rstrip("/")
        if not stem or path == stem or path.startswith(stem + "/"):
            return True
    return False
