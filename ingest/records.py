"""Records that leave the ingest package: institutions and stored documents.

These are the contracts of ``../shared/docs/architecture.md``. The Institution record follows
Open Referral HSDS (organization + service + location + phone + schedule + service area +
language) closely enough that ``permanence corpus export --hsds`` is a field mapping, not a
translation. Every fact carries provenance: ``provenance`` maps a field name to the source URLs
where that fact was seen, and ``unconfirmed`` names the fields whose value is old, conflicting
or could not be checked, so that the answer layer can say so.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Literal, get_args

import opening_hours
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "CATEGORIES",
    "FACT_FIELDS",
    "ROLES",
    "Assurance",
    "Audience",
    "Document",
    "DocumentKind",
    "Institution",
    "Location",
    "OpeningSchedule",
    "Phone",
    "Role",
    "RoleScope",
]

#: Themes an institution can be filed under; the gold set and the filters use the same list.
CATEGORIES: tuple[str, ...] = (
    "addiction",
    "aide_sociale",
    "alimentation_urgence",
    "assurances_sociales",
    "autres",
    "emploi_formation",
    "enfance_famille",
    "finances_dettes",
    "handicap",
    "integration_loisirs",
    "jeunesse",
    "juridique",
    "logement",
    "migration_asile",
    "sante",
    "sante_mentale",
    "seniors",
    "urgence",
    "violence_victimes",
)

#: Fields holding facts about the world; each one that is filled needs a provenance entry.
FACT_FIELDS: tuple[str, ...] = (
    "name",
    "acronym",
    "services",
    "eligibility",
    "service_area",
    "locations",
    "phones",
    "emails",
    "website",
    "hours",
    "languages",
    "application",
    "fees",
    "roles",
)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_PHONE = re.compile(
    r"^(?:\+41 \d{2} \d{3} \d{2} \d{2}"  # geographic and mobile numbers
    r"|\+41 800 \d{3} \d{3}|\+41 84\d \d{3} \d{3}"  # free and shared-cost numbers
    r"|1\d{2,3}|0800 \d{3} \d{3})$"  # short emergency/help numbers
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")

DocumentKind = Literal["gsr", "web", "intranet", "file"]
Audience = Literal["public", "professional"]

#: Who a person asks as, or for: the victim of violence, its perpetrator, a child or young
#: person, a parent, a professional (social worker, teacher, doctor), a relative or carer, or
#: the person themself. The answer layer never ranks a service for a role it is not for.
Role = Literal["perpetrator", "parent", "professional", "relative", "self", "victim", "young"]
ROLES: tuple[str, ...] = get_args(Role)


class OpeningSchedule(BaseModel):
    """A week of opening hours of one site, in OpenStreetMap ``opening_hours`` syntax.

    Why a structured copy beside the French ``hours`` text: an answer in Arabic or German can
    then say the days and times in the asker's language, and whether the place is open now.
    It is only ever converted from hours the record already states (``ingest.facts.hours``),
    never typed from memory, and it carries its own source and date like the other facts, so
    an old schedule is never presented as today's. ``channel`` says whether the hours are
    those of the desk (people come in) or of the phone line.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    osm: str = Field(min_length=1)
    channel: Literal["desk", "phone"] = "desk"
    source: str
    as_of: date | None = None

    @field_validator("osm")
    @classmethod
    def _check_osm(cls, value: str) -> str:
        try:
            opening_hours.OpeningHours(value)
        except Exception as exc:  # opening_hours.ParserError, absent from the library's stubs
            raise ValueError(f"schedule {value!r} is not OSM opening_hours syntax: {exc}") from exc
        return value


class Location(BaseModel):
    """A place where people are received (HSDS location + address)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = None
    street: str | None = None
    postal_code: str | None = None
    commune: str
    po_box: str | None = None
    #: Opening hours of this site where the record's ``hours`` state them (empty otherwise,
    #: and then left out of the YAML, so records without one keep their shape).
    schedules: list[OpeningSchedule] = Field(
        default_factory=list, exclude_if=lambda value: not value
    )

    def one_line(self) -> str:
        """The address as one would write it on an envelope, on one line."""
        city = " ".join(p for p in (self.postal_code, self.commune) if p)
        return ", ".join(p for p in (self.name, self.street, self.po_box, city) if p)


class Phone(BaseModel):
    """A phone number in Swiss international notation (``+41 32 886 80 10``) or a short number."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    number: str
    label: str | None = None

    @field_validator("number")
    @classmethod
    def _check_number(cls, value: str) -> str:
        if not _PHONE.match(value):
            raise ValueError(
                f"phone {value!r} is not in the form '+41 32 123 45 67', '+41 800 123 456', "
                "'0800 123 456' or a short number such as '143'"
            )
        return value


class RoleScope(BaseModel):
    """Whom a service is for and whom it must never be offered to, as its sources say.

    ``serves`` names the roles a source names as the service's public ("victimes et leurs
    proches"); ``not_for`` the roles to whom offering it would do harm or send them to the
    wrong side (victim support to a perpetrator, the perpetrators' service to a victim).
    ``entry_for`` names the roles for whom the service is *the* first door its sources name
    (the law makes the victim support centre the entry point of victims): a question asked in
    that role reads it first. ``not_for`` is a rule too: the answer layer never ranks the
    service for a question asked in that role. The provenance entry ``roles`` cites where this
    was read.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    serves: list[Role] = Field(default_factory=list)
    not_for: list[Role] = Field(default_factory=list)
    entry_for: list[Role] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_disjoint(self) -> RoleScope:
        both = sorted(set(self.serves) & set(self.not_for))
        if both:
            raise ValueError(f"roles {both} are both in serves and not_for; keep each in one")
        if not self.serves and not self.not_for:
            raise ValueError("roles needs serves or not_for; remove the empty roles block")
        if not set(self.entry_for) <= set(self.serves):
            raise ValueError(
                f"entry_for {sorted(set(self.entry_for) - set(self.serves))} must be in serves"
            )
        return self


class Assurance(BaseModel):
    """Who checked one fact of a record, when, and on which page (HSDS ``assured_date``).

    Written when a reviewer accepts a proposal (``permanence facts accept``); the record's
    ``last_verified`` says when the file was written, this says when the fact was checked.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    assured_date: date
    assured_by: str = Field(min_length=1)
    source: str | None = None


class Institution(BaseModel):
    """One institution of the network, as curated under ``corpora/neuchatel/``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    acronym: str | None = None
    categories: list[str] = Field(min_length=1)
    description: str = Field(min_length=40)
    services: list[str] = Field(default_factory=list)
    #: Ids of ``corpora/vocabulary/services.yaml`` terms for what ``services`` says, so that an
    #: answer can say it in any language; derived from ``services`` (no provenance of its own),
    #: checked against the vocabulary by ``permanence corpus check``.
    service_terms: list[str] = Field(default_factory=list)
    #: When to turn to this institution, phrased the way people describe their situation
    #: ("je n'ai pas de voiture pour aller à mes rendez-vous à l'hôpital"). Editorial text
    #: derived from the sourced services and description, so it adds no fact and needs no
    #: provenance; it gives retrieval the words of the asker, not those of the institution.
    situations: list[str] = Field(default_factory=list)
    eligibility: str | None = None
    service_area: list[str] = Field(default_factory=list)
    locations: list[Location] = Field(default_factory=list)
    phones: list[Phone] = Field(default_factory=list)
    emails: list[str] = Field(default_factory=list)
    website: str | None = None
    hours: str | None = None
    languages: list[str] = Field(default_factory=list)
    application: str | None = None
    fees: str | None = None
    roles: RoleScope | None = None
    sources: list[str] = Field(min_length=1)
    provenance: dict[str, list[str]] = Field(default_factory=dict)
    unconfirmed: list[str] = Field(default_factory=list)
    #: Per fact field (``phones``, ``hours``…), who assured it and when; see :class:`Assurance`.
    assured: dict[str, Assurance] = Field(default_factory=dict)
    notes: str | None = None
    last_verified: date

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _SLUG.match(value):
            raise ValueError(f"id {value!r} must be a lower-case slug such as 'caritas-neuchatel'")
        return value

    @field_validator("categories")
    @classmethod
    def _check_categories(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(CATEGORIES))
        if unknown:
            raise ValueError(f"unknown categories {unknown}; allowed: {', '.join(CATEGORIES)}")
        return value

    @field_validator("emails")
    @classmethod
    def _check_emails(cls, value: list[str]) -> list[str]:
        bad = [e for e in value if not _EMAIL.match(e)]
        if bad:
            raise ValueError(f"malformed e-mail addresses: {bad}")
        return value

    @field_validator("website")
    @classmethod
    def _check_website(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError(f"website {value!r} must be an absolute http(s) URL")
        return value

    @model_validator(mode="after")
    def _check_provenance(self) -> Institution:
        unknown = sorted(
            (set(self.provenance) | set(self.unconfirmed) | set(self.assured)) - set(FACT_FIELDS)
        )
        if unknown:
            raise ValueError(f"provenance/unconfirmed/assured name unknown fields {unknown}")
        for field, urls in self.provenance.items():
            stray = [u for u in urls if u not in self.sources]
            if stray:
                raise ValueError(f"provenance of {field!r} cites {stray}, which are not in sources")
        for location in self.locations:
            for schedule in location.schedules:
                if schedule.source not in self.sources:
                    raise ValueError(f"schedule source {schedule.source!r} is not in sources")
        return self

    def filled_fact_fields(self) -> list[str]:
        """Names of the fact fields that hold a value (these need a source)."""
        return [f for f in FACT_FIELDS if getattr(self, f) not in (None, "", [])]

    def address(self) -> str | None:
        """The first location on one line, or ``None`` when no address is known."""
        return self.locations[0].one_line() if self.locations else None


class Document(BaseModel):
    """One version of one URL in the document store."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str
    source_id: str
    kind: DocumentKind
    audience: Audience = "public"
    title: str
    text: str
    language: str | None = None
    institution_id: str | None = None
    categories: list[str] = Field(default_factory=list)
    communes: list[str] = Field(default_factory=list)
    content_hash: str
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: datetime
    status: Literal["active", "gone"] = "active"
