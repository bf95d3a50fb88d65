"""Encodings, HTML main text, PDF and DOCX extraction, language tags."""

from __future__ import annotations

import pytest

from ingest.errors import ExtractionError
from ingest.extract import (
    Extractor,
    declared_charset,
    decode_body,
    detect_language,
    extract_docx,
    extract_html,
    extract_pdf,
    normalize_language,
)
from tests.ingest.crawl.faultsite import DOCX_BODY, PDF_BODY, RESOURCES

pytestmark = pytest.mark.unit

FRENCH = "Fête de l'été: crêpes, café et hôtel de ville à Neuchâtel."


@pytest.mark.parametrize(
    ("body", "declared", "encoding"),
    [
        pytest.param(FRENCH.encode("utf-8"), "iso-8859-1", "utf-8", id="utf8-declared-latin1"),
        pytest.param(FRENCH.encode("iso-8859-1"), "utf-8", "cp1252", id="latin1-declared-utf8"),
        pytest.param(FRENCH.encode("iso-8859-1"), "iso-8859-1", "iso-8859-1", id="latin1-correct"),
        pytest.param(FRENCH.encode("cp1252"), None, "cp1252", id="undeclared-latin"),
        pytest.param(b"\xef\xbb\xbf" + FRENCH.encode("utf-8"), None, "utf-8-sig", id="bom"),
    ],
)
def test_decode_body_gets_the_text_right(body: bytes, declared: str | None, encoding: str) -> None:
    text, used = decode_body(body, declared)
    assert text == FRENCH
    assert used == encoding


def test_declared_charset_from_header_then_meta() -> None:
    page = b'<html><head><meta charset="ISO-8859-1"></head></html>'
    assert declared_charset(page, "UTF-8") == "utf-8"
    assert declared_charset(page, None) == "iso-8859-1"
    assert declared_charset(b"<html></html>", None) is None


def test_latin1_page_declared_utf8_comes_out_right() -> None:
    body = (RESOURCES / "latin1-declared-utf8.html").read_bytes()
    result = Extractor(identify_language=False).extract(
        body, media="html", url="https://x.ch/latin1", charset="utf-8"
    )
    assert result.title == "Fête de l'été à Neuchâtel"
    assert result.encoding == "cp1252"
    assert "Les bénévoles préparent une fête où l'on mange des crêpes" in result.text


def test_html_main_text_keeps_tables_and_drops_boilerplate() -> None:
    html = (RESOURCES / "clean" / "logement.html").read_text(encoding="utf-8")
    page = extract_html(html, "https://x.ch/clean/logement")
    assert page.title == "Aide au logement"
    assert page.text.startswith("# Aide au logement\n\nVous avez du mal à payer votre loyer ?")
    assert "| Jour | Heures |" in page.text
    assert "| Jeudi | 14 h – 17 h |" in page.text
    assert page.language == "fr"
    assert page.canonical == "https://x.ch/clean/logement"
    assert page.links == ("https://x.ch/clean/",)
    assert (page.noindex, page.nofollow) == (False, False)


def test_html_links_respect_base_and_nofollow() -> None:
    html = (
        '<html><head><base href="https://cdn.x.ch/docs/"><meta name="robots" content="noindex, '
        'nofollow"></head><body><a href="a.html">a</a><a rel="nofollow" href="b.html">b</a>'
        "<p>Un paragraphe suffisamment long pour être gardé par l’extracteur de texte.</p>"
        "</body></html>"
    )
    page = extract_html(html, "https://x.ch/page")
    assert page.links == ("https://cdn.x.ch/docs/a.html",)
    assert (page.noindex, page.nofollow) == (True, True)


def test_empty_html_is_an_extraction_error() -> None:
    with pytest.raises(ExtractionError, match="the page is empty"):
        Extractor(identify_language=False).extract(b"  ", media="html", url="https://x.ch/e")


def test_pdf_text_and_title() -> None:
    result = extract_pdf(PDF_BODY, "https://x.ch/t.pdf")
    assert result.title == "Tarifs 2026"
    assert result.text == "Tarifs du service fictif\nConsultation: gratuite\nRepas: 12 francs"


def test_broken_pdf_is_an_extraction_error() -> None:
    with pytest.raises(ExtractionError, match="not a readable PDF"):
        extract_pdf(b"%PDF-1.4 truncated", "https://x.ch/broken.pdf")


def test_docx_headings_paragraphs_and_tables() -> None:
    result = extract_docx(DOCX_BODY, "https://x.ch/p.docx")
    assert result.title == "Procédure interne"
    assert result.text == (
        "# Procédure d'accueil\n\n"
        "Chaque demande reçoit une réponse dans les deux jours ouvrables.\n\n"
        "| Étape | Délai |\n|---|---|\n| Accueil | 1 jour |\n| Réponse | 2 jours |"
    )


def test_broken_docx_is_an_extraction_error() -> None:
    with pytest.raises(ExtractionError, match="not a readable DOCX file"):
        extract_docx(b"PK\x03\x04 not a zip", "https://x.ch/broken.docx")


def test_extractor_counts_its_work() -> None:
    extractor = Extractor(identify_language=False)
    extractor.extract(b"Horaires\n\nlundi", media="text", url="https://x.ch/h.txt")
    extractor.extract(PDF_BODY, media="pdf", url="https://x.ch/t.pdf")
    assert extractor.extractions == 2


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        pytest.param("fr-CH", "fr", id="region"),
        pytest.param("FR", "fr", id="upper"),
        pytest.param("deu", "de", id="iso3"),
        pytest.param("tir", "ti", id="tigrinya"),
        pytest.param("", None, id="empty"),
        pytest.param("x-klingon-1", None, id="malformed"),
    ],
)
def test_normalize_language(tag: str, language: str | None) -> None:
    assert normalize_language(tag) == language


@pytest.mark.slow
def test_language_is_identified_when_not_declared() -> None:
    extractor = Extractor()
    extractor.warm_up()
    result = extractor.extract(PDF_BODY, media="pdf", url="https://x.ch/t.pdf")
    assert result.language == "fr"
    german = "Die Beratungsstelle hilft Familien bei Fragen zu Schulden und Mietzinsen."
    assert detect_language(None, german) == "de"
    assert detect_language("it", german) == "it"  # a declared language wins
    assert detect_language(None, "trop court") is None


@pytest.mark.parametrize(
    ("content", "target"),
    [
        pytest.param("0; url=/contact.htm", "https://x.ch/contact.htm", id="immediate"),
        pytest.param("3;URL='nouveau.html'", "https://x.ch/nouveau.html", id="quoted-delay"),
        pytest.param("600; url=/later", None, id="slow-refresh-is-a-page"),
    ],
)
def test_meta_refresh_is_a_redirect(content: str, target: str | None) -> None:
    html = (
        f'<html><head><meta http-equiv="Refresh" content="{content}"><title>Redirection</title>'
        "</head><body><p>Notre site a déménagé.</p></body></html>"
    )
    page = extract_html(html, "https://x.ch/ancien-site.htm")
    assert page.refresh == target
    if target is not None:
        assert target in page.links
