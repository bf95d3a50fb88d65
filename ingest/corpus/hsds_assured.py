"""Who checked each fact of a record, and when, in HSDS 3: ``assured_date`` and ``metadata``.

Why a module of its own: HSDS has two places for it and both are needed. ``service.assured_date``
is what directories sort and colour by (Soliguide, 211 systems), but it is one date per
service, where a record dates each fact (``Institution.assured``). HSDS's ``metadata`` table,
one row per change of one field of one resource, is where a per-fact date fits: a row with
``last_action_type: "verified"`` on the phone, contact, schedule or location row, dated by
``last_action_date`` and signed by ``updated_by``; the page the fact was checked on goes in
the row's ``x_permanence.source`` (HSDS has no field for it).

``service.assured_date`` is the **oldest** date of the record's filled contact facts (phones,
e-mails, locations, hours, website), and ``null`` when one of them is undated: a service is
only as checked as its least checked fact. It is not ``last_verified`` (when the file was
written), which travels in ``service.x_permanence.last_verified``. ``assurer_email`` stays
``null``: reviewers are recorded by name, not by address.

Row ids follow :mod:`ingest.corpus.hsds` (``<id>--phone-<i>``, ``<id>--service--schedule``…);
the round-trip test checks that every metadata row points at a row of the export.
"""

from __future__ import annotations

from typing import Any

from ingest.records import Institution

__all__ = ["assurance_rows", "read_assurances", "service_assured_date"]

Row = dict[str, Any]

#: The contact facts whose dates make the service's ``assured_date``.
CONTACT_FIELDS = ("phones", "emails", "locations", "hours", "website")

#: Record field → (HSDS resource type, the field of that resource).
_RESOURCES: dict[str, tuple[str, str]] = {
    "phones": ("phone", "number"),
    "emails": ("contact", "email"),
    "locations": ("location", "name"),
    "hours": ("schedule", "description"),
    "website": ("organization", "website"),
}
_FIELD_OF = {resource: field for field, resource in _RESOURCES.items()}
VERIFIED = "verified"
_EXT = "x_permanence"


def service_assured_date(inst: Institution) -> str | None:
    """The oldest date (ISO) of the filled contact facts; ``None`` when one is undated or none."""
    filled = [f for f in CONTACT_FIELDS if getattr(inst, f) not in (None, "", [])]
    dates = [inst.assured[f].assured_date for f in filled if f in inst.assured]
    return min(dates).isoformat() if filled and len(dates) == len(filled) else None


def _resource_ids(inst: Institution, field: str) -> list[str]:
    org, svc = inst.id, f"{inst.id}--service"
    if field == "phones":
        return [f"{org}--phone-{i}" for i in range(len(inst.phones))]
    if field == "emails":
        return [f"{org}--contact-{i}" for i in range(len(inst.emails))]
    if field == "locations":
        return [f"{org}--location-{i}" for i in range(len(inst.locations))]
    if field == "hours":
        return [f"{svc}--schedule"] if inst.hours is not None else []
    if field == "website":
        return [org] if inst.website is not None else []
    return []


def assurance_rows(inst: Institution) -> list[Row]:
    """One ``metadata`` row per resource of each assured field of ``inst``.

    A field without a row of its own (``services``, or a contact field now empty) is dated on
    the service row, with ``field_name`` the record's field.
    """
    rows: list[Row] = []
    for field, assurance in inst.assured.items():
        resource_type, field_name = _RESOURCES.get(field, ("service", field))
        ids = _resource_ids(inst, field)
        if not ids:
            resource_type, field_name, ids = "service", field, [f"{inst.id}--service"]
        for resource_id in ids:
            rows.append(
                {
                    "id": f"{resource_id}--assured-{field}",
                    "resource_id": resource_id,
                    "resource_type": resource_type,
                    "last_action_date": assurance.assured_date.isoformat(),
                    "last_action_type": VERIFIED,
                    "field_name": field_name,
                    "previous_value": None,
                    "replacement_value": None,
                    "updated_by": assurance.assured_by,
                    _EXT: {"field": field, "source": assurance.source},
                }
            )
    return rows


def read_assurances(tables: dict[str, list[Row]]) -> dict[str, dict[str, Row]]:
    """Organization id → {record field: ``Assurance`` data}, read from ``metadata`` rows.

    Rows of another action, or on resources that are not in the tables, are left out; of the
    rows of one field (one per phone…), the first is taken: they are written alike. An export
    made before per-fact dates has no ``metadata``: its records come back without ``assured``
    (and its ``service.assured_date``, then ``last_verified``, is read as ``last_verified``).
    """
    owner: dict[str, str] = {row["id"]: row["id"] for row in tables.get("organizations", [])}
    for table in ("services", "phones", "contacts", "locations"):
        for row in tables.get(table, []):
            owner[row["id"]] = row["organization_id"]
    service_owner = {row["id"]: row["organization_id"] for row in tables.get("services", [])}
    for row in tables.get("schedules", []):
        if row.get("service_id") in service_owner:
            owner[row["id"]] = service_owner[row["service_id"]]
    out: dict[str, dict[str, Row]] = {}
    for row in tables.get("metadata", []):
        org_id = owner.get(row.get("resource_id", ""))
        if row.get("last_action_type") != VERIFIED or org_id is None:
            continue
        ext = row.get(_EXT) or {}
        resource = (str(row.get("resource_type")), str(row.get("field_name")))
        field = ext.get("field") or _FIELD_OF.get(resource)
        if field is None or field in out.setdefault(org_id, {}):
            continue
        out[org_id][field] = {
            "assured_date": row.get("last_action_date"),
            "assured_by": row.get("updated_by"),
            "source": ext.get("source"),
        }
    return out
