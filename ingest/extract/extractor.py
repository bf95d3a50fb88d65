"""One entry point from fetched bytes to extracted content, whatever the media kind.

The :class:`Extractor` counts its work (``extractions``) so that tests and the benchmark can
assert the promise of incremental crawling: an unchanged page is never extracted again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Literal

from ingest.errors import ExtractionError
from ingest.extract.encoding import declared_charset, decode_body
from ingest.extract.gsr import GsrFiche, parse_fiche
from ingest.extract.html import extract_html, parse_html
from ingest.extract.language import detect_language, warm_up_language
from ingest.extract.office import extract_docx, extract_pdf

__all__ = ["Extraction", "Extractor", "MediaKind"]

logger = logging.getLogger(__name__)

MediaKind = Literal["html", "pdf", "docx", "text"]


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything the crawler and the store need from one body."""

    title: str
    text: str
    language: str | None
    date: str | None = None
    encoding: str | None = None
    links: tuple[str, ...] = ()
    canonical: str | None = None
    noindex: bool = False
    nofollow: bool = False
    refresh: str | None = None
    fiche: GsrFiche | None = None
    communes: tuple[str, ...] = field(default_factory=tuple)
    #: Institution ids the page declares (``data-institution-id``), in page order, distinct.
    declared_institutions: tuple[str, ...] = ()


def _communes(fiche: GsrFiche | None) -> tuple[str, ...]:
    """Communes a fiche names: where it is located, then the area it serves."""
    if fiche is None:
        return ()
    names = [location.commune for location in fiche.locations] + fiche.service_area
    return tuple(dict.fromkeys(names))


class Extractor:
    """Turn a body into an :class:`Extraction`.

    Args:
        parse_fiches: Read GSR fiche fields from HTML pages (sources of kind ``gsr``).
        identify_language: Identify the language of documents that do not declare one (loads
            a 129 MB model once per process); ``False`` leaves their language unknown.
    """

    def __init__(self, *, parse_fiches: bool = True, identify_language: bool = True) -> None:
        self._parse_fiches = parse_fiches
        self._identify = identify_language
        self.extractions = 0

    def warm_up(self) -> None:
        """Load the language identifier now rather than mid-crawl.

        Loading it holds the interpreter lock for about 2.5 s; during a crawl that would stall
        every download in flight and trip their timeouts.
        """
        if self._identify:
            warm_up_language()

    def _language(self, declared: str | None, text: str) -> str | None:
        return detect_language(declared, text if self._identify else "")

    def extract(
        self, body: bytes, *, media: MediaKind, url: str, charset: str | None = None
    ) -> Extraction:
        """Extract one body.

        Args:
            body: The raw bytes as fetched.
            media: What the body is (decided from the headers by the crawler).
            url: Where it came from (base for links, and named in errors).
            charset: The charset the HTTP header declared, if any; checked, not trusted.

        Raises:
            ExtractionError: the body cannot be read as ``media``.
        """
        self.extractions += 1
        if media == "html":
            return self._html(body, url, charset)
        if media == "text":
            text, encoding = decode_body(body, charset)
            text = text.strip()
            first = next(
                (line.strip("# ").strip() for line in text.splitlines() if line.strip()), ""
            )
            return Extraction(
                title=first[:200] or url,
                text=text,
                language=self._language(None, text),
                encoding=encoding,
            )
        if media == "pdf":
            result = extract_pdf(body, url)
        elif media == "docx":
            result = extract_docx(body, url)
        else:
            raise ExtractionError(f"{url}: media kind {media!r} cannot be extracted")
        title = result.title or next(
            (line.strip() for line in result.text.splitlines() if line.strip()), url
        )
        return Extraction(
            title=title[:200],
            text=result.text,
            language=self._language(result.language, result.text),
        )

    def _html(self, body: bytes, url: str, charset: str | None) -> Extraction:
        text, encoding = decode_body(body, declared_charset(body, charset))
        if not text.strip():
            raise ExtractionError(f"{url}: the page is empty")
        tree = parse_html(text, url)
        fiche = parse_fiche(tree, url) if self._parse_fiches else None
        page = extract_html(text, url, tree=tree)
        page_text = page.text
        if fiche is not None and len(page_text) < 200:
            page_text = fiche.as_markdown()
        return Extraction(
            title=fiche.name if fiche is not None else page.title,
            text=page_text,
            language=self._language(page.language, page_text),
            date=page.date,
            encoding=encoding,
            links=page.links,
            canonical=page.canonical,
            noindex=page.noindex,
            nofollow=page.nofollow,
            refresh=page.refresh,
            fiche=fiche,
            communes=_communes(fiche),
            declared_institutions=tuple(
                dict.fromkeys(
                    str(v).strip()
                    for v in tree.xpath("//*[@data-institution-id]/@data-institution-id")
                )
            ),
        )
