"""One page → its contact facts: markup first, then links, then the visible text.

Why the whole page and not the main text the crawler stores: trafilatura drops footers and
sidebars, which is where sites put their address and phone, and it drops ``tel:`` links and
JSON-LD. So facts are read from the HTML itself, as a browser would show it (scripts, styles
and hidden templates left out, one line per block, table cells separated by " | "), and the
same extractors also read plain text (:func:`text_facts`) for documents whose HTML is gone
(PDFs, pages stored before facts were extracted).

One value gives one fact per page: the first reading wins (markup, then links, then text),
and a number that the page labels fax anywhere is a fax.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from lxml import html as lxml_html
from lxml.etree import ParserError

from ingest.errors import CorpusError
from ingest.facts.addresses import address_facts
from ingest.facts.emails import email_facts, email_from_link
from ingest.facts.hours import hours_facts
from ingest.facts.models import Fact
from ingest.facts.phones import phone_facts, phone_from_link
from ingest.facts.structured import structured_facts

__all__ = ["extract_facts", "known_places", "text_facts", "visible_text"]

logger = logging.getLogger(__name__)

_SKIP = {"script", "style", "noscript", "template", "head", "svg", "iframe", "select"}
_BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div",
    "dl", "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
    "tbody", "thead", "tfoot", "tr", "ul",
}  # fmt: skip
_CELLS = {"td", "th"}
_SPACES = re.compile(r"[ \t\r\f\v\xa0\u202f]+")
_UTF8_PARSER = lxml_html.HTMLParser(encoding="utf-8")


@lru_cache(maxsize=1)
def known_places() -> frozenset[str]:
    """Normalised names of the canton's communes and localities (for NPA-less addresses)."""
    from ingest.corpus.communes import load_communes, normalize_place

    try:
        table = load_communes()
    except CorpusError as exc:
        logger.warning("commune table unavailable, addresses need an NPA: %s", exc)
        return frozenset()
    return frozenset(normalize_place(p.name) for c in table.communes for p in c.place_names())


def _walk(element: lxml_html.HtmlElement, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _SKIP or not tag:
        return
    if tag in _BLOCKS:
        parts.append("\n")
    elif tag in _CELLS:
        parts.append(" | ")
    if element.text:  # a line break in the source is a space on the screen
        parts.append(element.text.replace("\n", " "))
    for child in element:
        _walk(child, parts)
        if child.tail:
            parts.append(child.tail.replace("\n", " "))
    if tag in _BLOCKS:
        parts.append("\n")


def visible_text(tree: lxml_html.HtmlElement) -> str:
    """The text a reader sees, one block per line."""
    parts: list[str] = []
    body = tree.find("body")
    _walk(body if body is not None else tree, parts)
    lines = (_SPACES.sub(" ", line).strip(" |") for line in "".join(parts).split("\n"))
    return "\n".join(line.strip() for line in lines if line.strip())


def text_facts(
    text: str, url: str, *, language: str | None = None, page_date: str | None = None
) -> list[Fact]:
    """Facts of plain text (phones, faxes, e-mails, addresses, hours), deduplicated."""
    facts: list[Fact] = [
        *phone_facts(text, url, page_date=page_date),
        *email_facts(text, url, page_date=page_date),
        *address_facts(text, url, places=known_places(), page_date=page_date),
        *hours_facts(text, url, language=language, page_date=page_date),
    ]
    return _dedupe(facts)


def _link_facts(tree: lxml_html.HtmlElement, url: str, page_date: str | None) -> list[Fact]:
    facts: list[Fact] = []
    for link in tree.xpath("//a[@href]"):
        href = str(link.get("href", "")).strip()
        scheme = href.split(":", 1)[0].lower()
        if scheme not in ("tel", "fax", "callto", "mailto"):
            continue
        before = ""
        previous = link.getprevious()
        if previous is not None and previous.tail:
            before = previous.tail
        elif link.getparent() is not None and link.getparent().text:
            before = link.getparent().text or ""
        if previous is not None and not before.strip():
            before = previous.text_content()
        context = f"{before[-60:]} {link.text_content()}"
        if scheme == "mailto":
            fact = email_from_link(href, context=context, url=url, page_date=page_date)
        else:
            fact = phone_from_link(href, context=context, url=url, page_date=page_date)
        if fact is not None:
            facts.append(fact)
    return facts


def _dedupe(facts: list[Fact]) -> list[Fact]:
    """One fact per value; a number labelled fax anywhere on the page is a fax."""
    faxes = {f.value for f in facts if f.kind == "fax"}
    kept: dict[tuple[str, str], Fact] = {}
    for fact in facts:
        if fact.kind == "phone" and fact.value in faxes:
            continue
        value = fact.value.casefold() if fact.kind == "email" else fact.value
        key = (fact.kind, value)
        if key not in kept:
            kept[key] = fact
        elif fact.label and not kept[key].label:
            kept[key] = kept[key].model_copy(update={"label": fact.label})
    return list(kept.values())


def extract_facts(
    html: str, url: str, *, page_date: str | None = None, language: str | None = None
) -> list[Fact]:
    """Every contact fact of one HTML page.

    Args:
        html: The decoded page.
        url: Where it was fetched; every fact carries it.
        page_date: The date the page shows (the crawler's ``htmldate`` reading), if any.
        language: The page's language; ``None`` reads ``<html lang>``.
    """
    try:
        tree = lxml_html.document_fromstring(html.encode("utf-8"), parser=_UTF8_PARSER)
    except (ParserError, ValueError):
        return []
    lang = language or tree.get("lang") or None
    text = visible_text(tree)
    facts = [
        *structured_facts(html, url, page_date=page_date),
        *_link_facts(tree, url, page_date),
        *text_facts(text, url, language=lang, page_date=page_date),
    ]
    return _dedupe(facts)
