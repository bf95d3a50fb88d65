"""What an extractor finds on a page: one :class:`Fact`, with where and how it was seen.

Why one flat model for every kind of fact: the comparison with the records, the proposal
table and the measurement all handle facts alike (a field, a canonical value, a source), and
only the few kinds that need more carry it (an address's parts, a phone's label). The value is
canonical so that two pages writing the same number differently give the same fact:

========  ==========================================================================
field     canonical ``value``
========  ==========================================================================
phone     Swiss international notation, ``+41 32 886 80 10`` (as in the records)
fax       the same notation; kept apart so that a fax is never proposed as a phone
email     the address as written (compared case-insensitively)
address   ``street[, po box], [NPA ]locality`` on one line (``Location.one_line``)
hours     an OpenStreetMap ``opening_hours`` string, normalised (``Mo-Fr 08:00-12:00``)
website   an absolute http(s) URL
========  ==========================================================================
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ingest.records import Location

__all__ = [
    "FACT_KINDS",
    "SNIPPET_CHARS",
    "Fact",
    "FactKind",
    "FactOrigin",
    "facts_from_json",
    "facts_json",
    "snippet_of",
]

FactKind = Literal["phone", "fax", "email", "address", "hours", "website"]
#: Where on the page the fact was read: visible text, a ``tel:``/``mailto:`` link, schema.org
#: JSON-LD or microdata.
FactOrigin = Literal["text", "link", "jsonld", "microdata"]

FACT_KINDS: tuple[FactKind, ...] = ("phone", "fax", "email", "address", "hours", "website")

#: Longest snippet kept with a fact: enough for a reviewer to see the context, no more.
SNIPPET_CHARS = 200


class Fact(BaseModel):
    """One contact fact seen on one page."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: FactKind
    value: str
    source_url: str
    snippet: str
    origin: FactOrigin = "text"
    #: The date the page shows (``htmldate``), when it shows one; ISO ``YYYY-MM-DD``.
    page_date: str | None = None
    #: A phone's label as the page gives it ("secrétariat", "Neuchâtel et La Chaux-de-Fonds").
    label: str | None = None
    #: An address's parts, as a record's ``locations`` entry would hold them.
    location: Location | None = None


def snippet_of(text: str, start: int, end: int, *, margin: int = 60) -> str:
    """The text around ``text[start:end]`` on one line, at most :data:`SNIPPET_CHARS` long."""
    left = max(0, start - margin)
    right = min(len(text), end + margin)
    piece = " ".join(text[left:right].split())
    return piece[:SNIPPET_CHARS]


def facts_json(facts: Iterable[Fact]) -> str:
    """Facts as the JSON list the store keeps per page."""
    return json.dumps(
        [f.model_dump(mode="json", exclude_none=True) for f in facts], ensure_ascii=False
    )


def facts_from_json(text: str) -> list[Fact]:
    """The facts of :func:`facts_json`."""
    return [Fact.model_validate(item) for item in json.loads(text)]
