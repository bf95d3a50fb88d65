"""Facts a page states in schema.org markup: JSON-LD and microdata, read by ``extruct``.

Why trust markup: a site that writes ``"telephone"`` or ``openingHoursSpecification`` has said
what the value is, where the visible text leaves it to be guessed. Every item of the page is
walked, nested ones too (an Organization's ``contactPoint``, a ``location``), and each known
property becomes a fact of the same canonical form as the text extractors give. Markup that
``extruct`` cannot read (broken JSON) yields nothing: the visible text is still read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import cast

from ingest.facts.hours import OSM_DAYS, Schedule
from ingest.facts.models import Fact, FactOrigin
from ingest.facts.phones import phone_from_link
from ingest.records import Location

__all__ = ["structured_facts"]

logger = logging.getLogger(__name__)

_SYNTAXES = {"json-ld": "jsonld", "microdata": "microdata"}
_DAY_NAMES = {
    name: i
    for i, name in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _day(value: str) -> int | None:
    name = value.rstrip("/").rsplit("/", 1)[-1].lower()
    if name in _DAY_NAMES:
        return _DAY_NAMES[name]
    short = name[:2].title()
    return OSM_DAYS.index(short) if short in OSM_DAYS else None


def _minutes(value: str) -> int | None:
    parts = value.strip().split(":")
    try:
        return int(parts[0]) * 60 + (int(parts[1]) if len(parts) > 1 else 0)
    except ValueError:
        return None


def _specification(specs: list[Mapping[str, object]]) -> Schedule | None:
    week: dict[int, set[tuple[int, int]]] = {}
    for spec in specs:
        opens = _minutes(str(spec.get("opens", "")))
        closes = _minutes(str(spec.get("closes", "")))
        if opens is None or closes is None or not opens < closes:
            continue
        for name in _texts(spec.get("dayOfWeek")):
            day = _day(name)
            if day is not None:
                week.setdefault(day, set()).add((opens, closes))
    if not week:
        return None
    return Schedule(days=tuple(tuple(sorted(week.get(i, ()))) for i in range(7)))


def _address(value: Mapping[str, object]) -> Location | None:
    street = " ".join(_texts(value.get("streetAddress"))) or None
    locality = " ".join(_texts(value.get("addressLocality"))) or None
    postal = " ".join(_texts(value.get("postalCode"))) or None
    box = " ".join(_texts(value.get("postOfficeBoxNumber"))) or None
    if locality is None or (street is None and box is None):
        return None
    return Location(
        street=street,
        po_box=f"Case postale {box}" if box and box.isdigit() else box,
        postal_code=postal.removeprefix("CH-") if postal else None,
        commune=locality,
    )


def _item_facts(
    item: Mapping[str, object], url: str, origin: FactOrigin, page_date: str | None
) -> Iterator[Fact]:
    kind = " ".join(_texts(item.get("@type"))) or "Thing"
    snippet = f"{origin} {kind}: {item.get('name', '')}".strip()
    common = {"source_url": url, "snippet": snippet[:200], "origin": origin, "page_date": page_date}
    for key, fax in (("telephone", False), ("faxNumber", True)):
        for raw in _texts(item.get(key)):
            fact = phone_from_link(raw, context=snippet, url=url, page_date=page_date, fax=fax)
            if fact is not None:
                yield fact.model_copy(update={"origin": origin})
    for raw in _texts(item.get("email")):
        email = raw.removeprefix("mailto:").strip()
        if "@" in email:
            yield Fact(kind="email", value=email, **common)  # type: ignore[arg-type]
    address = item.get("address")
    if isinstance(address, Mapping):
        location = _address(address)
        if location is not None:
            yield Fact(kind="address", value=location.one_line(), location=location, **common)  # type: ignore[arg-type]
    for raw in _texts(item.get("openingHours")):
        schedule = Schedule.from_osm(raw)
        if schedule is not None:
            yield Fact(kind="hours", value=schedule.osm(), **common)  # type: ignore[arg-type]
    specs = item.get("openingHoursSpecification")
    if isinstance(specs, Mapping):
        specs = [specs]
    if isinstance(specs, list):
        schedule = _specification([s for s in specs if isinstance(s, Mapping)])
        if schedule is not None:
            yield Fact(kind="hours", value=schedule.osm(), **common)  # type: ignore[arg-type]
    if item.get("telephone") or item.get("address"):
        for raw in _texts(item.get("url")):
            if raw.startswith(("https://", "http://")):
                yield Fact(kind="website", value=raw, **common)  # type: ignore[arg-type]
    for value in item.values():
        children = value if isinstance(value, list) else [value]
        for child in children:
            if isinstance(child, Mapping) and child is not address:
                yield from _item_facts(child, url, origin, page_date)


def structured_facts(html: str, url: str, *, page_date: str | None = None) -> list[Fact]:
    """Every fact of the page's JSON-LD and microdata items."""
    # Imported here: extruct pulls in rdflib, html5lib and mf2py (0.75 s), and ``ingest``
    # re-exports the light freshness rules of this package to every process.
    import extruct

    try:
        data = extruct.extract(
            html, base_url=url, syntaxes=list(_SYNTAXES), uniform=True, errors="ignore"
        )
    except Exception as exc:  # extruct raises whatever its parsers raise on broken markup
        logger.info("%s: structured data unreadable (%s)", url, exc)
        return []
    facts: list[Fact] = []
    for syntax, origin in _SYNTAXES.items():
        for item in cast(list[object], data.get(syntax, [])):
            if isinstance(item, Mapping):
                facts.extend(_item_facts(item, url, cast(FactOrigin, origin), page_date))
    return facts
