"""A tiny deterministic PDF writer (text pages only).

The mirror needs PDF exports and brochures whose bytes never change between runs; writing the
few objects of a text PDF by hand is shorter than pinning a PDF library and checking its output
for embedded dates and random ids. Text is set in the standard Helvetica font with
WinAnsiEncoding, so French accents survive and ``pypdf`` extracts the text back.
"""

from __future__ import annotations

import textwrap

#: A fixed date for the Info dictionary: the same bytes on every run.
PDF_DATE = "D:20261101060000Z"
_LINES_PER_PAGE = 48
_WRAP = 92


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _info_string(text: str) -> bytes:
    """Info dictionary strings are not WinAnsi: write them as UTF-16BE with a byte-order mark."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _layout(title: str, paragraphs: list[str]) -> list[list[tuple[int, str]]]:
    """Lines of each page as (font size, text)."""
    lines: list[tuple[int, str]] = [(16, title), (11, "")]
    for paragraph in paragraphs:
        if not paragraph:
            lines.append((11, ""))
            continue
        for line in textwrap.wrap(paragraph, _WRAP) or [""]:
            lines.append((11, line))
        lines.append((11, ""))
    return [lines[i : i + _LINES_PER_PAGE] for i in range(0, len(lines), _LINES_PER_PAGE)]


def _content_stream(lines: list[tuple[int, str]], footer: str) -> bytes:
    parts = [b"BT", b"56 790 Td"]
    for size, text in lines:
        parts.append(b"/F1 %d Tf" % size)
        parts.append(_pdf_string(text) + b" Tj")
        parts.append(b"0 -%d Td" % (size + 5))
    parts.append(b"ET")
    parts.append(b"BT /F1 8 Tf 56 30 Td " + _pdf_string(footer) + b" Tj ET")
    return b"\n".join(parts)


def write_pdf(title: str, paragraphs: list[str], *, footer: str, author: str = "") -> bytes:
    """A PDF document with ``title`` and the wrapped ``paragraphs``; '' separates blocks."""
    pages = _layout(title, paragraphs)
    objects: list[bytes] = []
    page_count = len(pages)
    # 1 catalog, 2 pages, 3 font, 4 info, then (page, content) pairs.
    kids = " ".join(f"{5 + 2 * i} 0 R" for i in range(page_count))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {page_count} >>".encode())
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    objects.append(
        b"<< /Title "
        + _info_string(title)
        + b" /Author "
        + _info_string(author)
        + b" /Producer (Permanence mirror) /CreationDate ("
        + PDF_DATE.encode()
        + b") /ModDate ("
        + PDF_DATE.encode()
        + b") >>"
    )
    for i, lines in enumerate(pages):
        stream = _content_stream(lines, f"{footer} - page {i + 1}/{page_count}")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {6 + 2 * i} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
