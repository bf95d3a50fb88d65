"""Phone and fax numbers: Swiss numbers in running text and in ``tel:`` / ``fax:`` links.

Google's ``phonenumbers`` (region ``CH``) finds and validates the numbers, whatever their
spacing (``032 717 74 10``, ``+41 (0)32 …``, ``0041 …``, ``+41327177410``); this module only
decides what a number is for. A fax is told apart by its label, the nearest label word before
the number on the same line ("Fax", "télécopie", "Telefax" against "Tél.", "Telefon", "T"),
because a fax proposed as the phone to call would send people to a machine. The short numbers
of the records (143, 144, 117) are not extracted: in page text they are too often something
else (a house number, a count), and they are not the contacts that age.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher

from ingest.facts.models import Fact, FactOrigin, snippet_of

__all__ = ["canonical_phone", "phone_facts", "phone_from_link"]

REGION = "CH"
_FAX = re.compile(r"\b(?:t[ée]l[ée]?fax|fax|t[ée]l[ée]copie|t[ée]l[ée]copieur)\b", re.IGNORECASE)
_PHONE_WORD = re.compile(
    r"(?:\b(?:t[ée]l[ée]phone|t[ée]l|telefon|phone|natel|mobile|portable|hotline|ligne)\b"
    r"|(?<![\w])[tT](?=\s*[:.]?\s*$))",
    re.IGNORECASE,
)
#: How far before a number its label may stand (characters on the same line).
LABEL_WINDOW = 40
_LABEL_AFTER = re.compile(r"^\s*\(([^()\n]{2,60})\)")


def canonical_phone(number: phonenumbers.PhoneNumber) -> str:
    """The records' notation: ``+41 32 886 80 10``."""
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def _parse(raw: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(raw, REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _is_fax(before: str) -> bool:
    """Whether the nearest label word in ``before`` (same line, just before) says fax."""
    fax = list(_FAX.finditer(before))
    phone = list(_PHONE_WORD.finditer(before))
    if not fax:
        return False
    return not phone or fax[-1].start() > phone[-1].start()


def phone_facts(text: str, url: str, *, page_date: str | None = None) -> Iterator[Fact]:
    """Every valid Swiss number of ``text``, as a ``phone`` or ``fax`` fact."""
    previous_end = 0
    for match in PhoneNumberMatcher(text, REGION, leniency=Leniency.VALID):
        line_start = text.rfind("\n", 0, match.start) + 1
        window_start = max(line_start, previous_end, match.start - LABEL_WINDOW)
        before = text[window_start : match.start]
        previous_end = match.end
        after = _LABEL_AFTER.match(text[match.end : match.end + 64])
        yield Fact(
            kind="fax" if _is_fax(before) else "phone",
            value=canonical_phone(match.number),
            source_url=url,
            snippet=snippet_of(text, match.start, match.end),
            origin="text",
            page_date=page_date,
            label=after.group(1).strip() if after else None,
        )


def phone_from_link(
    href: str,
    *,
    context: str,
    url: str,
    page_date: str | None = None,
    origin: FactOrigin = "link",
    fax: bool = False,
) -> Fact | None:
    """A fact from a ``tel:``/``fax:`` link (or a schema.org value); ``None`` when invalid.

    Args:
        href: The link target or the value (``tel:+41327177410``, ``+41 32 717 74 10``).
        context: The link's text and what stands just before it, for the snippet and the
            fax label.
        fax: The markup itself says fax (``fax:`` scheme, ``faxNumber``).
    """
    raw = re.sub(r"^(?:tel|fax|callto):", "", href.strip(), flags=re.IGNORECASE)
    number = _parse(raw.split(";")[0].split("?")[0])
    if number is None:
        return None
    is_fax = fax or href.lower().startswith("fax:") or _is_fax(context[-LABEL_WINDOW:])
    return Fact(
        kind="fax" if is_fax else "phone",
        value=canonical_phone(number),
        source_url=url,
        snippet=" ".join(context.split())[-200:],
        origin=origin,
        page_date=page_date,
    )
