"""Export the corpus as Open Referral HSDS 3 tables (one JSON array per table) and read it back.

Why: other directories of services (211 systems, cantonal portals) exchange HSDS, so the
curated records should leave the project in that shape, and come back without loss.

Mapping (HSDS 3.0 ``schema/simple/schema.csv`` field names; one organization and one service
per institution):

====================  =====================================================================
Institution           HSDS
====================  =====================================================================
id                    ``organization.id`` (the slug; HSDS suggests UUIDs, any unique string
                      works); the other rows derive their ids from it (``<id>--service``)
name, acronym         ``organization.name``, ``organization.alternate_name`` (repeated on
                      the service)
description           ``organization.description`` and ``service.description``
website               ``organization.website`` and ``service.url``
emails                ``contacts`` rows (``email``); the first also in ``organization.email``
eligibility           ``service.eligibility_description``
application, fees     ``service.application_process``, ``service.fees_description``
assured, last_verif. ``metadata`` rows, ``service.assured_date`` (see :mod:`.hsds_assured`)
hours                 ``schedules.description`` (free text; no RRULE is invented)
locations             ``locations`` (``location_type: physical``, ``name``) + ``addresses``
                      (``address_1`` street, ``address_2`` post-office box, ``city`` commune,
                      ``postal_code``, ``state_province: NE``, ``country: CH``) +
                      ``service_at_locations``
phones                ``phones`` (``number``, ``description`` = label, ``type: voice``)
service_area          ``service_areas.name`` (a commune name or ``canton``)
languages             ``languages.code`` for ISO 639 codes, else ``languages.name``
categories            ``attributes`` (``link_type: category``) → ``taxonomy_terms``
                      (taxonomy ``permanence-categories``)
roles                 ``attributes`` (``link_type: serves``, ``not_for``, ``entry_for``) →
                      ``taxonomy_terms`` (taxonomy ``permanence-roles``): whom the service
                      is for and whom it must not be offered to; the source stays in
                      ``provenance.roles``
services, situations, the extension object ``x_permanence`` on the organization row
sources, provenance,  (``sources``, ``provenance``, ``unconfirmed``, ``notes``) and on the
unconfirmed, notes    service row (``services``, ``situations``): HSDS has no field for
                      them, and its "extend" pattern allows extra, clearly named fields
====================  =====================================================================

Empty values are written as ``null`` even where HSDS marks a field required (``address_1``
when only a post-office box is known), so that nothing is invented on export.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import ValidationError

from ingest.corpus import vocabulary as _terms
from ingest.corpus.hsds_assured import assurance_rows, read_assurances, service_assured_date
from ingest.errors import CorpusError
from ingest.fiche import CATEGORY_LABELS
from ingest.records import Institution

__all__ = [
    "EXTENSION_KEY",
    "HSDS_TABLES",
    "ROLE_LABELS",
    "ROLE_TAXONOMY",
    "TAXONOMY",
    "Row",
    "from_hsds_tables",
    "to_hsds_tables",
]

logger = logging.getLogger(__name__)

#: Name of the extension object that carries the project's own fields.
EXTENSION_KEY = "x_permanence"

#: Taxonomy under which the categories are published.
TAXONOMY = "permanence-categories"

#: Taxonomy of the roles a service is for (``serves``) or not for (``not_for``).
ROLE_TAXONOMY = "permanence-roles"

#: How each role is named in the exported taxonomy (French, like the records).
ROLE_LABELS: dict[str, str] = {
    "perpetrator": "Personne auteure de violence",
    "parent": "Parent",
    "professional": "Professionnel·le",
    "relative": "Proche, proche aidant·e",
    "self": "La personne elle-même",
    "victim": "Victime",
    "young": "Enfant ou jeune",
}

#: The ``link_type`` of a role attribute, by the RoleScope field it comes from.
_ROLE_LINKS = ("serves", "not_for", "entry_for")

#: The tables written, each as ``<table>.json`` holding a JSON array of rows.
HSDS_TABLES: tuple[str, ...] = (
    "organizations",
    "services",
    "locations",
    "addresses",
    "service_at_locations",
    "phones",
    "contacts",
    "schedules",
    "service_areas",
    "languages",
    "attributes",
    "taxonomy_terms",
    "metadata",
)

_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")

Row = dict[str, Any]


def _service_id(inst_id: str) -> str:
    return f"{inst_id}--service"


def to_hsds_tables(institutions: Iterable[Institution]) -> dict[str, list[Row]]:
    """The HSDS rows of every table, in institution order (see the module mapping)."""
    tables: dict[str, list[Row]] = {name: [] for name in HSDS_TABLES}
    used_categories: list[str] = []
    used_roles: set[str] = set()
    used_terms: list[str] = []
    for inst in institutions:
        org_id = inst.id
        svc_id = _service_id(org_id)
        tables["organizations"].append(
            {
                "id": org_id,
                "name": inst.name,
                "alternate_name": inst.acronym,
                "description": inst.description,
                "email": inst.emails[0] if inst.emails else None,
                "website": inst.website,
                EXTENSION_KEY: {
                    "sources": list(inst.sources),
                    "provenance": {k: list(v) for k, v in inst.provenance.items()},
                    "unconfirmed": list(inst.unconfirmed),
                    "notes": inst.notes,
                },
            }
        )
        tables["services"].append(
            {
                "id": svc_id,
                "organization_id": org_id,
                "name": inst.name,
                "alternate_name": inst.acronym,
                "description": inst.description,
                "url": inst.website,
                "email": inst.emails[0] if inst.emails else None,
                "status": "active",
                "eligibility_description": inst.eligibility,
                "application_process": inst.application,
                "fees_description": inst.fees,
                "assured_date": service_assured_date(inst),
                "assurer_email": None,
                EXTENSION_KEY: {
                    "services": list(inst.services),
                    "situations": list(inst.situations),
                    "last_verified": inst.last_verified.isoformat(),
                },
            }
        )
        for i, loc in enumerate(inst.locations):
            loc_id = f"{org_id}--location-{i}"
            tables["locations"].append(
                {
                    "id": loc_id,
                    "organization_id": org_id,
                    "location_type": "physical",
                    "name": loc.name,
                    # Opening schedules in OpenStreetMap syntax with their source and date;
                    # not yet as HSDS ``schedules`` rows (byday/opens_at), which cannot hold
                    # the OSM exceptions losslessly.
                    **(
                        {
                            EXTENSION_KEY: {
                                "schedules": [s.model_dump(mode="json") for s in loc.schedules]
                            }
                        }
                        if loc.schedules
                        else {}
                    ),
                }
            )
            tables["addresses"].append(
                {
                    "id": f"{loc_id}--address",
                    "location_id": loc_id,
                    "address_1": loc.street,
                    "address_2": loc.po_box,
                    "city": loc.commune,
                    "state_province": "NE",
                    "postal_code": loc.postal_code,
                    "country": "CH",
                    "address_type": "physical",
                }
            )
            tables["service_at_locations"].append(
                {"id": f"{svc_id}--at-{i}", "service_id": svc_id, "location_id": loc_id}
            )
        for i, phone in enumerate(inst.phones):
            tables["phones"].append(
                {
                    "id": f"{org_id}--phone-{i}",
                    "organization_id": org_id,
                    "service_id": svc_id,
                    "number": phone.number,
                    "type": "voice",
                    "description": phone.label,
                }
            )
        for i, email in enumerate(inst.emails):
            tables["contacts"].append(
                {
                    "id": f"{org_id}--contact-{i}",
                    "organization_id": org_id,
                    "service_id": svc_id,
                    "email": email,
                }
            )
        if inst.hours is not None:
            tables["schedules"].append(
                {"id": f"{svc_id}--schedule", "service_id": svc_id, "description": inst.hours}
            )
        for i, area in enumerate(inst.service_area):
            tables["service_areas"].append(
                {"id": f"{svc_id}--area-{i}", "service_id": svc_id, "name": area}
            )
        for i, language in enumerate(inst.languages):
            is_code = bool(_LANGUAGE_CODE.match(language))
            tables["languages"].append(
                {
                    "id": f"{svc_id}--language-{i}",
                    "service_id": svc_id,
                    "code": language if is_code else None,
                    "name": None if is_code else language,
                }
            )
        for i, category in enumerate(inst.categories):
            tables["attributes"].append(
                {
                    "id": f"{svc_id}--category-{i}",
                    "link_id": svc_id,
                    "link_entity": "service",
                    "link_type": "category",
                    "taxonomy_term_id": f"{TAXONOMY}:{category}",
                }
            )
            if category not in used_categories:
                used_categories.append(category)
        tables["metadata"].extend(assurance_rows(inst))
        tables["attributes"].extend(_terms.service_term_attributes(svc_id, inst.service_terms))
        used_terms.extend(t for t in inst.service_terms if t not in used_terms)
        if inst.roles is not None:
            for link in _ROLE_LINKS:
                for role in getattr(inst.roles, link):
                    tables["attributes"].append(
                        {
                            "id": f"{svc_id}--{link}-{role}",
                            "link_id": svc_id,
                            "link_entity": "service",
                            "link_type": link,
                            "taxonomy_term_id": f"{ROLE_TAXONOMY}:{role}",
                        }
                    )
                    used_roles.add(role)
    for category in sorted(used_categories):
        tables["taxonomy_terms"].append(
            {
                "id": f"{TAXONOMY}:{category}",
                "code": category,
                "name": CATEGORY_LABELS.get(category, category),
                "description": CATEGORY_LABELS.get(category, category),
                "taxonomy": TAXONOMY,
            }
        )
    tables["taxonomy_terms"].extend(_terms.service_term_rows(used_terms))
    for role in sorted(used_roles):
        tables["taxonomy_terms"].append(
            {
                "id": f"{ROLE_TAXONOMY}:{role}",
                "code": role,
                "name": ROLE_LABELS[role],
                "description": ROLE_LABELS[role],
                "taxonomy": ROLE_TAXONOMY,
            }
        )
    return tables


def _group(rows: Sequence[Row], key: str, table: str) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        if key not in row:
            raise CorpusError(f"{table}: row {row.get('id')!r} has no {key!r}")
        grouped.setdefault(row[key], []).append(row)
    return grouped


def _index(rows: Sequence[Row], key: str, table: str) -> dict[str, Row]:
    """One row per key value; a second row for the same value is an error."""
    index: dict[str, Row] = {}
    for value, group in _group(rows, key, table).items():
        if len(group) > 1:
            raise CorpusError(f"{table}: {len(group)} rows share {key} {value!r}; expected one")
        index[value] = group[0]
    return index


def from_hsds_tables(tables: dict[str, list[Row]]) -> list[Institution]:
    """Rebuild the institutions from HSDS rows written by :func:`to_hsds_tables`.

    Raises:
        CorpusError: a row points at an unknown organization/service/location, or a rebuilt
            record fails validation (the message names the organization and the field).
    """
    services = _index(tables.get("services", []), "organization_id", "services")
    locations_by_org = _group(tables.get("locations", []), "organization_id", "locations")
    addresses = _index(tables.get("addresses", []), "location_id", "addresses")
    phones = _group(tables.get("phones", []), "organization_id", "phones")
    contacts = _group(tables.get("contacts", []), "organization_id", "contacts")
    schedules = _group(tables.get("schedules", []), "service_id", "schedules")
    areas = _group(tables.get("service_areas", []), "service_id", "service_areas")
    languages = _group(tables.get("languages", []), "service_id", "languages")
    attributes = _group(tables.get("attributes", []), "link_id", "attributes")
    terms = _index(tables.get("taxonomy_terms", []), "id", "taxonomy_terms")
    assured = read_assurances(tables)

    org_ids = {row["id"] for row in tables.get("organizations", [])}
    for table_name, grouped in (
        ("locations", locations_by_org),
        ("phones", phones),
        ("contacts", contacts),
    ):
        stray = sorted(set(grouped) - org_ids)
        if stray:
            raise CorpusError(f"{table_name}: rows point at unknown organizations {stray}")

    institutions: list[Institution] = []
    for org in tables.get("organizations", []):
        org_id = org["id"]
        service = services.get(org_id)
        if service is None:
            raise CorpusError(f"organization {org_id!r} has no service row")
        svc_id = service["id"]
        ext_org = org.get(EXTENSION_KEY) or {}
        ext_svc = service.get(EXTENSION_KEY) or {}
        locations = []
        for loc in locations_by_org.get(org_id, []):
            address = addresses.get(loc["id"])
            if address is None:
                raise CorpusError(f"location {loc['id']!r} has no address row")
            locations.append(
                {
                    "name": loc.get("name"),
                    "street": address.get("address_1"),
                    "postal_code": address.get("postal_code"),
                    "commune": address.get("city"),
                    "po_box": address.get("address_2"),
                    "schedules": (loc.get(EXTENSION_KEY) or {}).get("schedules", []),
                }
            )
        categories = []
        service_terms: list[str] = []
        roles: dict[str, list[str]] = {}
        for attribute in attributes.get(svc_id, []):
            link = attribute.get("link_type")
            if link not in ("category", _terms.SERVICE_TERM_LINK, *_ROLE_LINKS):
                continue
            term = terms.get(attribute["taxonomy_term_id"])
            if term is None:
                raise CorpusError(
                    f"attribute {attribute['id']!r} names unknown taxonomy term "
                    f"{attribute['taxonomy_term_id']!r}"
                )
            if link == "category":
                categories.append(term["code"])
            elif link == _terms.SERVICE_TERM_LINK:
                service_terms.append(term["code"])
            else:
                roles.setdefault(link, []).append(term["code"])
        hours = [row.get("description") for row in schedules.get(svc_id, [])]
        record = {
            "id": org_id,
            "name": org.get("name"),
            "acronym": org.get("alternate_name"),
            "categories": categories,
            "description": org.get("description"),
            "services": ext_svc.get("services", []),
            "service_terms": service_terms,
            "situations": ext_svc.get("situations", []),
            "eligibility": service.get("eligibility_description"),
            "service_area": [row["name"] for row in areas.get(svc_id, [])],
            "locations": locations,
            "phones": [
                {"number": row["number"], "label": row.get("description")}
                for row in phones.get(org_id, [])
            ],
            "emails": [row["email"] for row in contacts.get(org_id, [])],
            "website": org.get("website"),
            "hours": hours[0] if hours else None,
            "languages": [row.get("code") or row.get("name") for row in languages.get(svc_id, [])],
            "application": service.get("application_process"),
            "fees": service.get("fees_description"),
            "roles": roles or None,
            "sources": ext_org.get("sources", []),
            "provenance": ext_org.get("provenance", {}),
            "unconfirmed": ext_org.get("unconfirmed", []),
            "notes": ext_org.get("notes"),
            "assured": assured.get(org_id, {}),
            "last_verified": ext_svc.get("last_verified") or service.get("assured_date"),
        }
        try:
            institutions.append(Institution.model_validate(record))
        except ValidationError as exc:
            problems = "; ".join(
                f"field {'.'.join(str(p) for p in e['loc'])!r}: {e['msg']}" for e in exc.errors()
            )
            raise CorpusError(f"organization {org_id!r}: {problems}") from exc
    return institutions
