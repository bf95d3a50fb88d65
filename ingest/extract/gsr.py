"""GSR fiche pages → structured institution fields.

A fiche of the regional social guide marks its facts with ``data-field="<name>"`` inside the
element carrying ``data-institution-id``; reading those attributes rather than guessing from
layout keeps the parser stable when the site's design changes. List fields take their items
from ``<li>`` (or ``data-item``) children, else from lines of the element's text.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html
from pydantic import BaseModel, ConfigDict, Field

__all__ = ["LIST_FIELDS", "TEXT_FIELDS", "GsrFiche", "parse_fiche"]

#: Fields holding several values.
LIST_FIELDS: tuple[str, ...] = (
    "categories",
    "services",
    "service_area",
    "phones",
    "emails",
    "languages",
)
#: Fields holding one value.
TEXT_FIELDS: tuple[str, ...] = (
    "name",
    "acronym",
    "eligibility",
    "address",
    "website",
    "hours",
    "application",
    "fees",
)
_SPLIT = re.compile(r"\s*(?:\n|;|•)\s*")
_SPACES = re.compile(r"[ \t\r\f\v\xa0]+")


class GsrFiche(BaseModel):
    """The structured content of one fiche; ``url`` is where it was read."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    institution_id: str
    url: str
    name: str
    acronym: str | None = None
    categories: list[str] = Field(default_factory=list)
    services: list[str] = Field(default_factory=list)
    eligibility: str | None = None
    service_area: list[str] = Field(default_factory=list)
    address: str | None = None
    phones: list[str] = Field(default_factory=list)
    emails: list[str] = Field(default_factory=list)
    website: str | None = None
    hours: str | None = None
    languages: list[str] = Field(default_factory=list)
    application: str | None = None
    fees: str | None = None

    def as_markdown(self) -> str:
        """The facts as markdown sections, for fiches whose page text is thin."""
        lines = [f"# {self.name}" + (f" ({self.acronym})" if self.acronym else "")]
        sections = (
            ("Prestations", self.services),
            ("Public", self.eligibility),
            ("Régions", self.service_area),
            ("Adresse", self.address),
            ("Téléphone", self.phones),
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
    """Text with ``<br>`` and block boundaries kept as newlines, spaces collapsed."""
    for br in element.iter("br"):
        br.tail = "\n" + (br.tail or "")
    parts: list[str] = []
    for piece in element.itertext():
        parts.append(piece)
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(parts).splitlines()]
    return "\n".join(line for line in lines if line)


def _items(element: lxml_html.HtmlElement) -> list[str]:
    marked = element.xpath(".//*[@data-item]") or element.xpath(".//li")
    if marked:
        values = [" ".join(_text(item).split()) for item in marked]
    else:
        values = [v.strip() for v in _SPLIT.split(_text(element))]
    return [v for v in dict.fromkeys(values) if v]


def _link_value(element: lxml_html.HtmlElement, scheme: str) -> list[str]:
    values: list[str] = []
    for anchor in element.xpath(".//a[@href]"):
        href = str(anchor.get("href", "")).strip()
        if href.lower().startswith(scheme):
            values.append(href[len(scheme) :].split("?")[0].strip())
    return values


def parse_fiche(tree: lxml_html.HtmlElement, url: str) -> GsrFiche | None:
    """The fiche on a parsed page, or ``None`` when the page carries no ``data-institution-id``.

    The first value wins when a field appears twice; an unnamed fiche is not a fiche.
    """
    containers = tree.xpath("//*[@data-institution-id]")
    if not containers:
        return None
    container = containers[0]
    institution_id = str(container.get("data-institution-id", "")).strip()
    values: dict[str, str | list[str]] = {}
    for element in container.xpath(".//*[@data-field]"):
        name = str(element.get("data-field", "")).strip()
        if name in values or name not in (*LIST_FIELDS, *TEXT_FIELDS):
            continue
        if name == "emails":
            values[name] = _link_value(element, "mailto:") or _items(element)
        elif name == "phones":
            values[name] = _items(element) or _link_value(element, "tel:")
        elif name == "website":
            links = [str(a.get("href")) for a in element.xpath(".//a[@href]")]
            href = str(element.get("href", "")) or (links[0] if links else "")
            values[name] = href.strip() or _text(element)
        elif name in LIST_FIELDS:
            values[name] = _items(element)
        else:
            text = _text(element)
            values[name] = text if name in ("hours", "address") else " ".join(text.split())
    name_value = values.get("name")
    if not institution_id or not isinstance(name_value, str) or not name_value:
        return None
    cleaned = {k: v for k, v in values.items() if v not in ("", [])}
    if isinstance(cleaned.get("address"), str):
        cleaned["address"] = ", ".join(str(cleaned["address"]).splitlines())
    return GsrFiche.model_validate({"institution_id": institution_id, "url": url, **cleaned})
