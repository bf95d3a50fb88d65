"""Swiss postal addresses: street and number, PO box, NPA and locality.

The anchor is what every Swiss address ends with, a four-digit NPA and a locality
(``2000 Neuchâtel``); before it, within the same block (separated by commas, line breaks,
"·", "–" or "|"), may stand a PO box ("Case postale 712", "CP 712", "Postfach 712") and a
street with its number ("Faubourg du Lac 17", "Rue de l'École-d'Horlogerie 13", "Espacité 5").
An address without NPA ("Rue des Poudrières 135, Neuchâtel", as the mirror writes several)
is taken only when its street has a street word (rue, avenue, chemin, …, -strasse, -weg) and
its locality is a place of the canton: without those two guards, any "Word 12, Word" would
be an address.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ingest.corpus.communes import normalize_place
from ingest.facts.models import Fact, snippet_of
from ingest.records import Location

__all__ = ["address_facts", "address_key", "canonical_po_box"]

_UP = r"A-ZÀ-ÖØ-Ý"
_WORD = rf"[{_UP}][\w'’]*(?:-[\w'’]+)*"
_PARTICLE = r"(?:de|du|des|la|le|les|l['’]|d['’]|von|der|am|im|sur|sous|en)"
_STREET_TYPES = (
    r"rue|ruelle|avenue|av\.|chemin|ch\.|route|rte|faubourg|fbg|quai|place|passage|impasse|"
    r"allée|boulevard|bd|promenade|sentier|chaussée|esplanade|grand-rue|grande-rue|"
    r"[\w-]*strasse|[\w-]*gasse|[\w-]*weg|[\w-]*platz"
)
_NUMBER = r"\d{1,4}(?:\s?[a-zA-Z](?![\w]))?(?:\s?-\s?\d{1,4})?"
_STREET = (
    rf"(?P<street>(?:(?i:{_STREET_TYPES})\s+)?(?:{_PARTICLE}\s*){{0,2}}{_WORD}"
    rf"(?:[ ](?:{_PARTICLE}\s*){{0,2}}{_WORD})*\s+{_NUMBER}(?:\s\([^()\n]{{1,30}}\))?)"
)
#: A street named without a house number ("Rue Jaquet-Droz, 2300 La Chaux-de-Fonds") needs a
#: street word and an NPA after it.
_NUMBERLESS = (
    rf"(?P<bare_street>(?i:{_STREET_TYPES})\s+(?:{_PARTICLE}\s*){{0,2}}{_WORD}"
    rf"(?:[ ](?:{_PARTICLE}\s*){{0,2}}{_WORD})*)"
)
_PO_BOX = r"(?P<po_box>(?i:case postale|CP|C\.P\.|Postfach|Boîte postale|BP)(?:\s+\d{1,5})?)"
_SEP = r"\s*(?:[,\n·|–—]\s*)+"
_LOCALITY = rf"(?P<locality>(?:(?:La|Le|Les|L['’])\s?)?{_WORD}(?:[ ](?:{_PARTICLE}\s?)?{_WORD})*)"
_NPA = r"(?:CH[- ])?(?P<npa>[1-9]\d{3})"
_WITH_NPA = re.compile(
    rf"(?:(?:{_STREET}|{_NUMBERLESS}){_SEP})?(?:{_PO_BOX}{_SEP})?{_NPA}[ \t]+{_LOCALITY}",
    re.MULTILINE,
)
_WITHOUT_NPA = re.compile(
    rf"(?P<street>(?i:{_STREET_TYPES})\s+(?:{_PARTICLE}\s*){{0,2}}{_WORD}(?:[ ](?:{_PARTICLE}"
    rf"\s*){{0,2}}{_WORD})*\s+{_NUMBER}(?:\s\([^()\n]{{1,30}}\))?){_SEP}(?:{_PO_BOX}{_SEP})?"
    rf"{_LOCALITY}"
)
_PO_NUMBER = re.compile(r"\d{1,5}")
_SAINT = re.compile(r"\bst(e?)[-. ]\s*", re.IGNORECASE)


def canonical_po_box(raw: str) -> str:
    """``CP 712`` → ``Case postale 712``; German boxes stay ``Postfach``."""
    number = _PO_NUMBER.search(raw)
    word = "Postfach" if raw.lower().startswith("postfach") else "Case postale"
    return f"{word} {number.group(0)}" if number else word


def _trim_locality(raw: str, places: frozenset[str]) -> str | None:
    """The locality without the words that follow it on the line ("Neuchâtel Téléphone")."""
    words = raw.split(" ")
    for end in range(len(words), 0, -1):
        candidate = " ".join(words[:end])
        if normalize_place(candidate) in places:
            return candidate
    if places and not words[0][:1].isupper():
        return None
    head = words[0]
    if head in ("La", "Le", "Les") and len(words) > 1:
        head = f"{head} {words[1]}"
    return head


def address_key(location: Location) -> str:
    """What two writings of one address share: street (``St-`` = ``Saint-``) and NPA."""
    street = _SAINT.sub(lambda m: "saint" + (m.group(1) or "") + "-", location.street or "")
    street = re.sub(r"[’`]", "'", street).casefold()
    street = re.sub(r"\s+", " ", street).strip()
    box = (location.po_box or "").casefold()
    return "|".join((street, box if not street else "", location.postal_code or ""))


def _fact(
    text: str, match: re.Match[str], location: Location, url: str, page_date: str | None
) -> Fact:
    return Fact(
        kind="address",
        value=location.one_line(),
        source_url=url,
        snippet=snippet_of(text, match.start(), match.end()),
        page_date=page_date,
        location=location,
    )


def address_facts(
    text: str,
    url: str,
    *,
    places: frozenset[str] = frozenset(),
    page_date: str | None = None,
) -> Iterator[Fact]:
    """Every address of ``text``.

    Args:
        places: Normalised place names of the canton (:func:`normalize_place`); they trim a
            locality and admit addresses written without NPA. Empty: NPA addresses only.
    """
    taken: list[tuple[int, int]] = []
    for match in _WITH_NPA.finditer(text):
        street = match.group("street") or match.group("bare_street")
        po_box = match.group("po_box")
        if street is None and po_box is None:
            continue
        locality = _trim_locality(match.group("locality"), places)
        if locality is None:
            continue
        taken.append(match.span())
        yield _fact(
            text,
            match,
            Location(
                street=" ".join(street.split()) if street else None,
                po_box=canonical_po_box(po_box) if po_box else None,
                postal_code=match.group("npa"),
                commune=locality,
            ),
            url,
            page_date,
        )
    if not places:
        return
    for match in _WITHOUT_NPA.finditer(text):
        if any(start < match.end() and match.start() < end for start, end in taken):
            continue
        locality = _trim_locality(match.group("locality"), places)
        if locality is None or normalize_place(locality) not in places:
            continue
        po_box = match.group("po_box")
        yield _fact(
            text,
            match,
            Location(
                street=" ".join(match.group("street").split()),
                po_box=canonical_po_box(po_box) if po_box else None,
                commune=locality,
            ),
            url,
            page_date,
        )
