"""A second, larger check: the extractors against the fields the GSR fiches mark up.

The mirror's 185 fiches (``corpora/sites/gsr/fiches/``) mark every contact with
``data-field`` attributes (read by :func:`ingest.extract.parse_fiche`), so each one says which
phones, e-mails and addresses it holds. Running the page extractors on the same HTML, blind to
those attributes, measures their recall over 185 pages of one real layout. It is a silver
standard: a number named in a fiche's description ("la hotline pédiatrique (0848 134 134)") is
a phone of the page but not a field of the fiche, so "extra" values are counted, not called
errors. Hours are left out: the fiche gives them as text, which only the hours extractor
itself could turn into the schedule to compare with.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import html as lxml_html

from ingest.extract import parse_fiche
from ingest.facts import address_key, extract_facts

__all__ = ["FICHE_FIELDS", "FicheScore", "score_fiches"]

FICHE_FIELDS: tuple[str, ...] = ("phone", "email", "address")


@dataclass(frozen=True, slots=True)
class FicheScore:
    """Fiche values found by the extractors, and values they found beyond the fiche's."""

    field: str
    expected: int
    found: int
    extra: int

    @property
    def recall(self) -> float | None:
        return self.found / self.expected if self.expected else None


def score_fiches(folder: Path) -> tuple[int, dict[str, FicheScore], list[str]]:
    """(pages, score per field, the values missed as ``page: field value`` lines)."""
    counts = {f: [0, 0, 0] for f in FICHE_FIELDS}
    missed: list[str] = []
    pages = 0
    for path in sorted(folder.glob("*.html")):
        html = path.read_text(encoding="utf-8")
        url = f"https://gsr.test/fiches/{path.name}"
        fiche = parse_fiche(lxml_html.document_fromstring(html.encode()), url)
        if fiche is None:
            continue
        pages += 1
        facts = extract_facts(html, url)
        expected = {
            "phone": {p.number for p in fiche.phones if p.number.startswith("+")},
            "email": {e.casefold() for e in fiche.emails},
            "address": {address_key(loc) for loc in fiche.locations if loc.street or loc.po_box},
        }
        got = {
            "phone": {f.value for f in facts if f.kind in ("phone", "fax")},
            "email": {f.value.casefold() for f in facts if f.kind == "email"},
            "address": {address_key(f.location) for f in facts if f.location is not None},
        }
        for field in FICHE_FIELDS:
            counts[field][0] += len(expected[field])
            counts[field][1] += len(expected[field] & got[field])
            counts[field][2] += len(got[field] - expected[field])
            missed += [f"{path.stem}: {field} {v}" for v in sorted(expected[field] - got[field])]
    return pages, {f: FicheScore(f, *counts[f]) for f in FICHE_FIELDS}, missed
