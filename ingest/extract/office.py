"""PDF and DOCX bodies → text, title and declared language.

Institutions publish their flyers, price lists and regulations as PDF or Word files; the text
is often the only place a fee or a deadline is written down. Extraction is best effort per
page: one broken page does not lose the rest of the file.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass

from ingest.errors import ExtractionError

__all__ = ["FileText", "extract_docx", "extract_pdf"]

logger = logging.getLogger(__name__)

_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class FileText:
    """Text and metadata of a PDF or DOCX file."""

    title: str | None
    text: str
    language: str | None


def extract_pdf(body: bytes, url: str) -> FileText:
    """Text of every page of a PDF, pages separated by blank lines.

    Raises:
        ExtractionError: the body is not a readable PDF (encrypted, truncated, not a PDF).
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(body))
        if reader.is_encrypted:
            raise ExtractionError(
                f"{url}: the PDF is encrypted; ask the publisher for an open copy"
            )
        pages: list[str] = []
        for number, page in enumerate(reader.pages, start=1):
            try:
                pages.append(page.extract_text() or "")
            except (PyPdfError, ValueError, KeyError) as exc:
                logger.warning("%s: page %d of the PDF cannot be read: %s", url, number, exc)
        metadata = reader.metadata
        title = str(metadata.title).strip() if metadata is not None and metadata.title else None
    except (PyPdfError, ValueError, OSError) as exc:
        raise ExtractionError(f"{url}: not a readable PDF ({exc})") from exc
    text = _BLANK_LINES.sub("\n\n", "\n\n".join(p.strip() for p in pages if p.strip()))
    return FileText(title=title or None, text=text.strip(), language=None)


def extract_docx(body: bytes, url: str) -> FileText:
    """Paragraphs and tables (as markdown rows) of a Word file, in document order.

    Raises:
        ExtractionError: the body is not a readable DOCX file.
    """
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(body))
    except Exception as exc:
        raise ExtractionError(
            f"{url}: not a readable DOCX file ({type(exc).__name__}: {exc})"
        ) from exc
    blocks: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if not text:
                continue
            style = (block.style.name if block.style is not None else "") or ""
            if style.startswith("Heading"):
                level = style.removeprefix("Heading").strip()
                hashes = "#" * (int(level) if level.isdigit() else 1)
                text = f"{hashes} {text}"
            blocks.append(text)
        elif isinstance(block, Table):
            rows = [[cell.text.strip() for cell in row.cells] for row in block.rows]
            if rows:
                lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
                lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
                blocks.append("\n".join(lines))
    properties = document.core_properties
    return FileText(
        title=(properties.title or "").strip() or None,
        text="\n\n".join(blocks),
        language=(properties.language or "").strip() or None,
    )
