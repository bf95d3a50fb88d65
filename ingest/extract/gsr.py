"""GSR fiche pages → structured institution fields.

A fiche of the regional social guide marks its facts with ``data-field="<name>"`` inside the
element carrying ``data-institution-id`` (contract in ``corpora/sites/README.md``). Reading
those attributes rather than guessing from layout keeps the parser stable when the design
changes. Machine values win over display text where the page gives both: ``data-value`` for
category and language codes, ``data-number`` for phones, ``href`` for the website. Fields the
page flags ``data-unconfirmed="true"`` are listed in ``unconfirmed`` so that answers can say
"to be checked".
"""

from __future__ import annotations

import re

from lxml import html as lxml_html
from pydantic import BaseModel, ConfigDict, Field

from ingest.records import Location

__all__ = ["LIST_FIELDS", "TEXT_FIELDS", "GsrFiche", "GsrPhone", "parse_fiche"]

#: Fields holding several values, one per ``<li>``.
LIST_FIELDS: tuple[str, ...] = (
    "categories",
    "services",
    "service_area",
    "phones",
    "emails",
    "languages",
    "sources",
)
#: Fields holding one value (the element's text, whitespace collapsed).
TEXT_FIELDS: tuple[str, ...] = (
    "name",
    "acronym",
    "description",
    "eligibility",
    "website",
    "hours",
    "application",
    "fees",
    "last_verified",
)
_SPLIT = re.compile(r"\s*(?:\n|;|•)\s*")
_SPACES = re.compile(r"[ \t\r\f\v\xa0]+")
_PARTS = ("name", "street", "po_box", "postal_code", "commune")


class GsrPhone(BaseModel):
    """A phone number as the fiche gives it, with its label when there is one."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    number: str
    label: str | None = None


class GsrFiche(BaseModel):
    """The structured content of one fiche; ``url`` is where it was read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    institution_id: str
    url: str
    name: str
    acronym: str | None = None
    description: str | None = None
    categories: list[str] = Field(default_factory=list)
    services: list[str] = Field(default_factory=list)
    eligibility: str | None = None
    service_area: list[str] = Field(default_factory=list)
    addresses: list[str] = Field(default_factory=list)
    locations: list[Location] = Field(default_factory=list)
    phones: list[GsrPhone] = Field(default_factory=list)
    emails: list[str] = Field(default_factory=list)
    website: str | None = None
    hours: str | None = None
    languages: list[str] = Field(default_factory=list)
    application: str | None = None
    fees: str | None = None
    last_verified: str | None = None
    sources: list[str] = Field(default_factory=list)
    unconfirmed: list[str] = Field(default_factory=list)

    @property
    def address(self) -> str | None:
        """The first address on one line."""
        return self.addresses[0] if self.addresses else None

    def as_markdown(self) -> str:
        """The facts as markdown sections, for fiches whose page text is thin."""
        lines = [f"# {self.name}" + (f" ({self.acronym})" if self.acronym else "")]
        if self.description:
            lines.append(f"\n{self.description}")
        sections: tuple[tuple[str, str | list[str] | None], ...] = (
            ("Prestations", self.services),
            ("Public", self.eligibility),
            ("Régions", self.service_area),
            ("Adresse", self.addresses),
            ("Téléphone", [p.number + (f" ({p.label})" if p.label else "") for p in self.phones]),
            ("E-mail", self.emails),
            ("Site web", self.website),
            ("Horaires", self.hours),
            ("Langues", self.languages),
            ("Démarche", self.application),
            ("Tarifs", self.fees),
        )
        for heading, value in sections:
            if not value:
                continue
            lines.append(f"\n## {heading}")
            if isinstance(value, list):
                lines.extend(f"- {item}" for item in value)
            else:
                lines.append(value)
        return "\n".join(lines)


def _text(element: lxml_html.HtmlElement) -> str:
    """Text with ``<br>`` kept as newlines, spaces collapsed per line."""
    for br in element.iter("br"):
        br.tail = "\n" + (br.tail or "")
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(element.itertext()).splitlines()]
    return "\n".join(line for line in lines if line)


def _one_line(element: lxml_html.HtmlElement) -> str:
    return " ".join(_text(element).split())


def _items(element: lxml_html.HtmlElement, field: str) -> list[str]:
    items = element.xpath(".//li")
    if not items:
        return [v for v in dict.fromkeys(_SPLIT.split(_text(element))) if v]
    values: list[str] = []
    for item in items:
        if field in ("categories", "languages") and item.get("data-value"):
            values.append(str(item.get("data-value")).strip())
        elif field == "sources":
            values.extend(str(a.get("href")).strip() for a in item.xpath(".//a[@href]"))
        else:
            values.append(_one_line(item))
    return [v for v in dict.fromkeys(values) if v]


def _phones(element: lxml_html.HtmlElement) -> list[GsrPhone]:
    phones: list[GsrPhone] = []
    items = element.xpath(".//li") or [element]
    for item in items:
        number = str(item.get("data-number") or "").strip() or _one_line(item)
        if number:
            label = str(item.get("data-label") or "").strip() or None
            phones.append(GsrPhone(number=number, label=label))
    return phones


def _location(element: lxml_html.HtmlElement) -> Location | None:
    parts = {
        str(span.get("data-part")): _one_line(span)
        for span in element.xpath(".//*[@data-part]")
        if str(span.get("data-part")) in _PARTS
    }
    if not parts.get("commune"):
        return None
    return Location.model_validate(parts)


def parse_fiche(tree: lxml_html.HtmlElement, url: str) -> GsrFiche | None:
    """The fiche on a parsed page, or ``None`` when the page carries no ``data-institution-id``.

    The first value wins when a scalar field appears twice; addresses repeat by design. An
    unnamed fiche is not a fiche.
    """
    containers = tree.xpath("//*[@data-institution-id]")
    if not containers:
        return None
    container = containers[0]
    institution_id = str(container.get("data-institution-id", "")).strip()
    values: dict[str, object] = {}
    addresses: list[str] = []
    locations: list[Location] = []
    unconfirmed: list[str] = []
    for element in container.xpath(".//*[@data-field]"):
        field = str(element.get("data-field", "")).strip()
        if element.get("data-unconfirmed") == "true":
            key = "locations" if field == "address" else field
            if key not in unconfirmed:
                unconfirmed.append(key)
        if field == "address":
            line = ", ".join(_text(element).splitlines())
            if line:
                addresses.append(" ".join(line.split()))
            location = _location(element)
            if location is not None:
                locations.append(location)
            continue
        if field in values:
            continue
        if field == "phones":
            values[field] = _phones(element)
        elif field == "website":
            href = str(element.get("href") or "")
            if not href:
                links = element.xpath(".//a[@href]")
                href = str(links[0].get("href")) if links else ""
            values[field] = href.strip() or _one_line(element)
        elif field == "last_verified":
            values[field] = str(element.get("datetime") or _one_line(element)).strip()
        elif field in LIST_FIELDS:
            values[field] = _items(element, field)
        elif field == "hours":
            values[field] = _text(element)
        elif field in TEXT_FIELDS:
            values[field] = _one_line(element)
    name = values.get("name")
    if not institution_id or not isinstance(name, str) or not name:
        return None
    cleaned = {k: v for k, v in values.items() if v not in ("", [])}
    return GsrFiche.model_validate(
        {
            "institution_id": institution_id,
            "url": url,
            **cleaned,
            "addresses": addresses,
            "locations": locations,
            "unconfirmed": unconfirmed,
        }
    )
