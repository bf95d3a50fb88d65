"""HTML pages → main text as markdown (tables kept), title, language, date, links.

trafilatura does the main-text extraction (boilerplate removal is its job, not ours); lxml
reads what the crawler needs from the whole page: links to follow, the canonical URL, the
``robots`` meta directives and the declared language. Malformed HTML is parsed leniently; only
an empty document is an error.
"""

from __future__ import annotations

import re
from configparser import ConfigParser
from copy import deepcopy
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin

import trafilatura
from htmldate import find_date
from lxml import html as lxml_html
from lxml.etree import ParserError
from trafilatura.metadata import extract_title
from trafilatura.settings import use_config

from ingest.errors import ExtractionError

__all__ = ["HtmlPage", "extract_html", "parse_html"]

#: The text is already decoded; lxml must not re-guess from bytes (it would assume Latin-1).
_UTF8_PARSER = lxml_html.HTMLParser(encoding="utf-8")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class HtmlPage:
    """What one HTML page yields."""

    title: str
    text: str
    language: str | None
    date: str | None
    links: tuple[str, ...]
    canonical: str | None
    noindex: bool
    nofollow: bool
    refresh: str | None = None


def parse_html(text: str, url: str) -> lxml_html.HtmlElement:
    """A lenient lxml tree of ``text``.

    Raises:
        ExtractionError: the document is empty or not HTML at all.
    """
    try:
        tree = lxml_html.document_fromstring(
            text.encode("utf-8"), parser=_UTF8_PARSER, base_url=url
        )
    except (ParserError, ValueError) as exc:
        raise ExtractionError(f"{url}: cannot parse HTML ({exc})") from exc
    return tree


def _clean(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _fallback_text(tree: lxml_html.HtmlElement) -> str:
    """Visible text of the body when trafilatura finds no main content (very short pages)."""
    body = tree.find("body")
    if body is None:
        return ""
    for element in body.xpath(".//script|.//style|.//noscript|.//nav|.//footer|.//header"):
        element.drop_tree()
    return _clean("\n".join(t for t in body.itertext()))


def _robots_directives(tree: lxml_html.HtmlElement) -> set[str]:
    directives: set[str] = set()
    for meta in tree.xpath("//meta[@name]"):
        if str(meta.get("name", "")).lower() in ("robots", "permanence"):
            directives.update(d.strip().lower() for d in str(meta.get("content", "")).split(","))
    return directives


_REFRESH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[;,]\s*(?:url\s*=\s*)?['\"]?([^'\"]+)", re.I)
#: A meta refresh at most this many seconds away is a redirect, not a page to index.
MAX_REDIRECT_REFRESH_S = 5.0


def _meta_refresh(tree: lxml_html.HtmlElement, base: str) -> str | None:
    """The target of a ``<meta http-equiv="refresh">`` redirect, if the page is one."""
    for meta in tree.xpath("//meta[@http-equiv and @content]"):
        if str(meta.get("http-equiv", "")).lower() != "refresh":
            continue
        match = _REFRESH.match(str(meta.get("content", "")))
        if match and float(match.group(1)) <= MAX_REDIRECT_REFRESH_S:
            return _join(base, match.group(2))
    return None


def _links(tree: lxml_html.HtmlElement, url: str) -> tuple[list[str], str | None]:
    base = url
    base_elements = tree.xpath("//base[@href]")
    if base_elements:
        base = str(base_elements[0].get("href"))
    links: list[str] = []
    for anchor in tree.xpath("//a[@href]|//area[@href]"):
        rel = str(anchor.get("rel", "")).lower()
        if "nofollow" in rel:
            continue
        links.append(_join(base, str(anchor.get("href"))))
    canonical = None
    for link in tree.xpath("//link[@rel and @href]"):
        if "canonical" in str(link.get("rel", "")).lower().split():
            canonical = _join(base, str(link.get("href")))
            break
    return links, canonical


def _join(base: str, href: str) -> str:
    return urljoin(base, href.strip())


def extract_html(text: str, url: str, *, tree: lxml_html.HtmlElement | None = None) -> HtmlPage:
    """Extract one decoded HTML page.

    Links and the canonical URL are absolute but not normalised: scope is the crawler's call.

    Args:
        text: The decoded page.
        url: Its URL (base of relative links).
        tree: The page already parsed by :func:`parse_html`, to parse it only once; it is not
            modified.

    Raises:
        ExtractionError: the page is empty or cannot be parsed.
    """
    tree = parse_html(text, url) if tree is None else tree
    directives = _robots_directives(tree)
    links, canonical = _links(tree, url)
    refresh = _meta_refresh(tree, url)
    if refresh is not None and refresh not in links:
        links.append(refresh)
    declared = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    main = _trafilatura(_prepared_for_extraction(tree), url, _short_page_config())
    body = _clean(main) if main else _fallback_text(parse_html(text, url))
    # Title and date alone: trafilatura's full metadata pass (authors, tags, site name) costs
    # 11 ms a page for fields we do not use; these two cost 1.6 ms (measured on the GSR mirror).
    title = extract_title(tree) or _first_text(tree, "//title") or _first_text(tree, "//h1") or url
    return HtmlPage(
        title=" ".join(title.split()),
        text=body,
        language=declared,
        date=find_date(tree, extensive_search=False, original_date=True),
        links=tuple(links),
        canonical=canonical,
        noindex="noindex" in directives or "none" in directives,
        nofollow="nofollow" in directives or "none" in directives,
        refresh=refresh,
    )


#: Markers of cookie and consent banners in id, class or aria-label (common vendors included).
_CONSENT_MARKER = re.compile(r"cookie|consent|gdpr|rgpd|tarteaucitron|didomi|onetrust", re.I)
#: A banner is short; a longer element carrying such a marker is page content, kept.
CONSENT_BANNER_MAX_CHARS = 1500
_NEVER_DROPPED = frozenset({"html", "body", "main", "article"})


def _prepared_for_extraction(tree: lxml_html.HtmlElement) -> str:
    """The page, serialised for trafilatura, without banners and layout tables (on a copy).

    trafilatura keeps a cookie banner on short pages (a contact page is mostly the banner
    then), and reads an old table-based layout as one data table, losing the tables nested in
    it. Banners are dropped; layout tables (those holding headings or other tables) become
    plain blocks, so the data tables inside them survive as tables.
    """
    copy = deepcopy(tree)
    for element in copy.xpath("//*[@id or @class or @aria-label]"):
        if element.tag in _NEVER_DROPPED or element.getparent() is None:
            continue
        marker = " ".join(
            v for v in (element.get("id"), element.get("class"), element.get("aria-label")) if v
        )
        if (
            _CONSENT_MARKER.search(marker)
            and len(element.text_content()) <= CONSENT_BANNER_MAX_CHARS
        ):
            element.drop_tree()
    for table in copy.xpath("//table[.//table or .//h1 or .//h2 or .//h3]"):
        for part in table.xpath("./tr | ./*/tr | ./tr/td | ./tr/th | ./*/tr/td | ./*/tr/th | ./*"):
            if part.tag in {"tr", "td", "th", "tbody", "thead", "tfoot"}:
                part.tag = "div"
        table.tag = "div"
    return str(lxml_html.tostring(copy, encoding="unicode"))


@lru_cache(maxsize=1)
def _short_page_config() -> ConfigParser:
    """trafilatura settings for pages shorter than its default 250-character floor.

    Short pages (a contact page, a fiche with five facts) are common on institution sites; the
    default floor makes trafilatura fall back to its baseline, which keeps menus and footers.
    """
    config = use_config()
    config["DEFAULT"]["MIN_EXTRACTED_SIZE"] = "1"
    config["DEFAULT"]["MIN_OUTPUT_SIZE"] = "1"
    return config


def _trafilatura(text: str, url: str, config: ConfigParser) -> str | None:
    result: str | None = trafilatura.extract(
        text,
        url=url,
        output_format="markdown",
        include_tables=True,
        include_comments=False,
        include_links=False,
        favor_recall=True,
        deduplicate=False,
        config=config,
    )
    return result


def _first_text(tree: lxml_html.HtmlElement, xpath: str) -> str | None:
    found = tree.xpath(xpath)
    if not found:
        return None
    value = " ".join(found[0].text_content().split())
    return value or None
