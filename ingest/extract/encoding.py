"""Turn fetched bytes into text without trusting the declared charset blindly.

Small institution sites often declare ``charset=utf-8`` over Windows-1252 files exported from
an old CMS (and the reverse). Rules, in order: a byte-order mark wins; bytes that decode as
strict UTF-8 are UTF-8 (random Latin-1 text almost never does); a declared charset is used when
the bytes decode strictly in it; otherwise charset-normalizer guesses from the bytes, ties
going to the encodings of Western European sites.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

__all__ = ["declared_charset", "decode_body"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
#: Latin-1 is the label, Windows-1252 is what those servers really send (WHATWG Encoding).
#: When charset-normalizer finds several encodings equally plausible (short French text in
#: Latin-1 reads as well in Windows-1250 or -1252), prefer the ones Swiss-French sites use.
_PREFERRED = ("utf_8", "cp1252", "iso8859_15", "latin_1", "iso8859_1")
_CHAOS_TIE = 0.005
_ALIASES = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252"}


def declared_charset(body: bytes, header_charset: str | None) -> str | None:
    """The charset named by the HTTP header, else by a ``<meta>`` in the first 4 KiB."""
    if header_charset:
        return header_charset.lower()
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(_ALIASES.get(encoding, encoding))
    except (UnicodeDecodeError, LookupError):
        return None


def decode_body(body: bytes, declared: str | None) -> tuple[str, str]:
    """Decode ``body``; returns the text and the encoding actually used."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(encoding, errors="replace"), encoding
    text = _strict(body, "utf-8")
    if text is not None:
        return text, "utf-8"
    if declared and declared.replace("_", "-") not in ("utf-8", "utf8"):
        text = _strict(body, declared)
        if text is not None:
            return text, declared
    matches = list(from_bytes(body))
    if matches:
        least_chaos = min(m.chaos for m in matches)
        ties = [m for m in matches if m.chaos <= least_chaos + _CHAOS_TIE]
        ties.sort(key=lambda m: _PREFERRED.index(m.encoding) if m.encoding in _PREFERRED else 99)
        return str(ties[0]), ties[0].encoding
    return body.decode("cp1252", errors="replace"), "cp1252"
