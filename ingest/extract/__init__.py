"""Extraction: fetched bytes → text, title, language, links, and GSR fiche fields.

Public names only; the crawler and other packages import from ``ingest.extract``.
"""

from __future__ import annotations

from ingest.extract.encoding import declared_charset, decode_body
from ingest.extract.extractor import Extraction, Extractor
from ingest.extract.gsr import GsrFiche, GsrPhone, parse_fiche
from ingest.extract.html import HtmlPage, extract_html, parse_html
from ingest.extract.language import detect_language, normalize_language
from ingest.extract.linking import InstitutionLinker, load_institutions
from ingest.extract.office import FileText, extract_docx, extract_pdf

__all__ = [
    "Extraction",
    "Extractor",
    "FileText",
    "GsrFiche",
    "GsrPhone",
    "HtmlPage",
    "InstitutionLinker",
    "declared_charset",
    "decode_body",
    "detect_language",
    "extract_docx",
    "extract_html",
    "extract_pdf",
    "load_institutions",
    "normalize_language",
    "parse_fiche",
    "parse_html",
]
