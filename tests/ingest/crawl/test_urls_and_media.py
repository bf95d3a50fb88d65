"""URL normalisation, scope checks and media classification (pure functions)."""

from __future__ import annotations

import pytest

from ingest.crawl import in_scope, normalize_url
from ingest.crawl.media import classify_media, parse_content_type
from ingest.crawl.urls import absolutize

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        pytest.param(
            "HTTP://WWW.Example.CH/Aide", "http://www.example.ch/Aide", id="scheme-host-case"
        ),
        pytest.param("https://example.ch:443/a", "https://example.ch/a", id="default-port"),
        pytest.param("http://example.ch:8080/a", "http://example.ch:8080/a", id="other-port"),
        pytest.param("https://example.ch/a#section", "https://example.ch/a", id="fragment"),
        pytest.param("https://example.ch/a/", "https://example.ch/a", id="trailing-slash"),
        pytest.param("https://example.ch", "https://example.ch/", id="empty-path"),
        pytest.param("https://example.ch/", "https://example.ch/", id="root"),
        pytest.param(
            "https://example.ch/a?utm_source=x&b=2&utm_medium=y&a=1",
            "https://example.ch/a?a=1&b=2",
            id="tracking-params-sorted",
        ),
        pytest.param("https://example.ch/a?fbclid=123", "https://example.ch/a", id="fbclid"),
        pytest.param(
            "https://example.ch/a?gclid=1&mtm_campaign=z", "https://example.ch/a", id="gclid-matomo"
        ),
        pytest.param("https://example.ch/a/./b/../c", "https://example.ch/a/c", id="dot-segments"),
        pytest.param(
            "https://example.ch/caf%C3%A9", "https://example.ch/caf%C3%A9", id="percent-kept"
        ),
        pytest.param(
            "https://example.ch/café", "https://example.ch/caf%C3%A9", id="unicode-quoted"
        ),
        pytest.param("https://example.ch/a?q=", "https://example.ch/a?q=", id="blank-value-kept"),
    ],
)
def test_normalize_url(raw: str, normal: str) -> None:
    assert normalize_url(raw) == normal


@pytest.mark.parametrize(
    "raw", ["ftp://example.ch/a", "/relative/path", "mailto:x@example.ch", "https:///nohost"]
)
def test_normalize_url_refuses_non_http(raw: str) -> None:
    with pytest.raises(ValueError, match="is not an absolute http"):
        normalize_url(raw)


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        pytest.param("../b/", "https://example.ch/b", id="relative"),
        pytest.param("#top", None, id="fragment-only"),
        pytest.param("mailto:a@b.ch", None, id="mailto"),
        pytest.param("tel:+41328869090", None, id="tel"),
        pytest.param("javascript:void(0)", None, id="javascript"),
        pytest.param("//cdn.example.ch/x", "https://cdn.example.ch/x", id="scheme-relative"),
    ],
)
def test_absolutize(href: str, expected: str | None) -> None:
    assert absolutize("https://example.ch/a/page", href) == expected


@pytest.mark.parametrize(
    ("url", "inside"),
    [
        pytest.param("https://example.ch/fr/aide", True, id="under-prefix"),
        pytest.param("https://example.ch/fr", True, id="prefix-itself"),
        pytest.param("https://example.ch/fra", False, id="not-a-path-boundary"),
        pytest.param("https://example.ch/de/hilfe", False, id="other-prefix"),
        pytest.param("https://other.ch/fr/aide", False, id="other-host"),
        pytest.param("https://example.ch:8443/fr/aide", False, id="other-port"),
    ],
)
def test_in_scope(url: str, inside: bool) -> None:
    assert in_scope(url, hosts={"example.ch"}, prefixes=["/fr/"]) is inside


@pytest.mark.parametrize(
    ("content_type", "url", "kind"),
    [
        pytest.param("text/html; charset=UTF-8", "https://x.ch/a", "html", id="html"),
        pytest.param("application/xhtml+xml", "https://x.ch/a", "html", id="xhtml"),
        pytest.param("application/pdf", "https://x.ch/a", "pdf", id="pdf"),
        pytest.param(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "https://x.ch/a",
            "docx",
            id="docx",
        ),
        pytest.param("text/plain", "https://x.ch/a", "text", id="text"),
        pytest.param(
            "application/octet-stream", "https://x.ch/f.pdf", "pdf", id="octet-by-extension"
        ),
        pytest.param(None, "https://x.ch/f.docx", "docx", id="missing-by-extension"),
        pytest.param("image/png", "https://x.ch/a.pdf", None, id="image-not-read"),
        pytest.param("application/zip", "https://x.ch/a", None, id="zip-not-read"),
    ],
)
def test_classify_media(content_type: str | None, url: str, kind: str | None) -> None:
    assert classify_media(content_type, url) == kind


def test_parse_content_type() -> None:
    assert parse_content_type('text/html; Charset="ISO-8859-1"') == ("text/html", "iso-8859-1")
    assert parse_content_type("text/html") == ("text/html", None)
    assert parse_content_type(None) == ("", None)
