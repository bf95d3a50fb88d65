"""What an institution's pages say against its record: the proposals of one refresh.

Pure functions: a record and the facts of the institution's pages in, drafts out. The rules,
per field (phone, email, address, website: lists compared value by value; hours: schedules):

* a value the pages show and the record lacks is ``new`` when the record's field is empty or
  one of its values is still shown (the page adds a second number), and ``changed`` when the
  record has values and the pages show none of them (the number was replaced);
* hours the pages show that differ from the record's are ``contradicted`` when the record's
  own schedule is still shown somewhere, else ``changed``; a record whose hours cannot be
  read as a schedule ("après-midi en semaine") gets ``changed`` too, for a person to judge;
* a record phone that the pages label fax is ``contradicted`` (people would call a machine);
* a record value is ``no_longer_found`` when a page its provenance cites was crawled and no
  longer shows it, or is gone. Pages that never showed the value say nothing against it: an
  institution's site that gives no phone does not make the record's phone wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from ingest.facts.addresses import address_key
from ingest.facts.hours import parse_schedules
from ingest.facts.models import Fact
from ingest.records import Institution, Location
from ingest.store import ProposalDraft, ProposalField

__all__ = ["InstitutionPage", "compare_institution"]


@dataclass(frozen=True, slots=True)
class InstitutionPage:
    """One crawled page of an institution, with the facts read from it."""

    url: str
    facts: tuple[Fact, ...]
    fetched_at: datetime
    gone: bool = False


def _url_key(url: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}"


def _same_address(a: Location, b: Location) -> bool:
    ka, kb = address_key(a).split("|"), address_key(b).split("|")
    if ka[0] != kb[0] or ka[1] != kb[1]:
        return False
    return not ka[2] or not kb[2] or ka[2] == kb[2]


@dataclass(frozen=True, slots=True)
class _Seen:
    """One value the pages show, with the first page that shows it."""

    key: str
    value: str
    fact: Fact
    page: InstitutionPage


def _seen(pages: Sequence[InstitutionPage], kind: str) -> list[_Seen]:
    found: dict[str, _Seen] = {}
    for page in pages:
        if page.gone:
            continue
        for fact in page.facts:
            if fact.kind != kind:
                continue
            key = address_key(fact.location) if fact.location else fact.value.casefold()
            if kind == "website":
                key = _url_key(fact.value)
            if key not in found:
                found[key] = _Seen(key, fact.value, fact, page)
    return list(found.values())


def _draft(
    record: Institution,
    field: ProposalField,
    seen: _Seen,
    status: str,
    current: str | None,
    detail: dict[str, object],
) -> ProposalDraft:
    return ProposalDraft(
        institution_id=record.id,
        field=field,
        value_key=seen.key,
        value=seen.value,
        current_value=current,
        status=status,  # type: ignore[arg-type]
        source_url=seen.fact.source_url,
        snippet=seen.fact.snippet,
        page_date=seen.fact.page_date,
        detail=detail,
        seen_at=seen.page.fetched_at,
    )


def _cited(
    record: Institution, field: str, pages: Sequence[InstitutionPage]
) -> list[InstitutionPage]:
    cited = {_url_key(u) for u in record.provenance.get(field, [])}
    return [p for p in pages if _url_key(p.url) in cited]


def _lost(
    record: Institution,
    field: ProposalField,
    record_field: str,
    missing: Iterable[tuple[str, str]],
    pages: Sequence[InstitutionPage],
) -> list[ProposalDraft]:
    """``no_longer_found`` drafts for record values absent from every page, where cited."""
    cited = _cited(record, record_field, pages)
    if not cited:
        return []
    page = sorted(cited, key=lambda p: (not p.gone, p.url))[0]
    why = "the page is gone" if page.gone else "the page no longer shows it"
    return [
        ProposalDraft(
            institution_id=record.id,
            field=field,
            value_key=key,
            value=None,
            current_value=shown,
            status="no_longer_found",
            source_url=page.url,
            snippet=why,
            detail={"remove": [shown]},
            seen_at=page.fetched_at,
        )
        for key, shown in missing
    ]


def _list_field(
    record: Institution,
    field: ProposalField,
    record_field: str,
    current: list[tuple[str, str]],
    seen: list[_Seen],
    pages: Sequence[InstitutionPage],
    detail_of: Mapping[str, dict[str, object]],
    matches: Callable[[str, _Seen], bool] | None = None,
) -> list[ProposalDraft]:
    """Drafts of a list field; ``matches(record_key, seen)`` replaces key equality."""

    def same(key: str, s: _Seen) -> bool:
        return matches(key, s) if matches is not None else s.key == key

    def shown(key: str) -> bool:
        return any(same(key, s) for s in seen)

    confirmed = [(k, v) for k, v in current if shown(k)]
    missing = [(k, v) for k, v in current if not shown(k)]
    known = {k for k, _ in current}
    fresh = [s for s in seen if s.key not in known and not any(same(k, s) for k, _ in current)]
    drafts: list[ProposalDraft] = []
    replaced = bool(current) and not confirmed and bool(fresh)
    now_shown = "; ".join(v for _, v in current) or None
    for s in fresh:
        detail = dict(detail_of.get(s.key, {}))
        if replaced:
            detail["replaces"] = [v for _, v in missing]
        drafts.append(_draft(record, field, s, "changed" if replaced else "new", now_shown, detail))
    if not replaced:
        drafts += _lost(record, field, record_field, missing, pages)
    return drafts


def _phones(record: Institution, pages: Sequence[InstitutionPage]) -> list[ProposalDraft]:
    current = [(p.number.casefold(), p.number) for p in record.phones if p.number.startswith("+")]
    seen = _seen(pages, "phone")
    details: dict[str, dict[str, object]] = {
        s.key: {"number": s.value, "label": s.fact.label} for s in seen
    }
    drafts = _list_field(record, "phone", "phones", current, seen, pages, details)
    for fax in _seen(pages, "fax"):
        if any(key == fax.key for key, _ in current):
            drafts.append(
                ProposalDraft(
                    institution_id=record.id,
                    field="phone",
                    value_key=f"fax:{fax.key}",
                    value=f"fax {fax.value}",
                    current_value=fax.value,
                    status="contradicted",
                    source_url=fax.fact.source_url,
                    snippet=fax.fact.snippet,
                    page_date=fax.fact.page_date,
                    detail={"remove": [fax.value], "fax": True},
                    seen_at=fax.page.fetched_at,
                )
            )
    return drafts


def _emails(record: Institution, pages: Sequence[InstitutionPage]) -> list[ProposalDraft]:
    current = [(e.casefold(), e) for e in record.emails]
    seen = _seen(pages, "email")
    details: dict[str, dict[str, object]] = {s.key: {"email": s.value} for s in seen}
    return _list_field(record, "email", "emails", current, seen, pages, details)


def _addresses(record: Institution, pages: Sequence[InstitutionPage]) -> list[ProposalDraft]:
    located = [loc for loc in record.locations if loc.street or loc.po_box]
    current = [(address_key(loc), loc.one_line()) for loc in located]
    by_key = {address_key(loc): loc for loc in located}
    seen = _seen(pages, "address")
    details: dict[str, dict[str, object]] = {
        s.key: {"location": s.fact.location.model_dump(exclude_none=True)}
        for s in seen
        if s.fact.location is not None
    }

    def matches(key: str, s: _Seen) -> bool:
        location = by_key.get(key)
        return (
            location is not None
            and s.fact.location is not None
            and _same_address(location, s.fact.location)
        )

    return _list_field(record, "address", "locations", current, seen, pages, details, matches)


def _hours(record: Institution, pages: Sequence[InstitutionPage]) -> list[ProposalDraft]:
    seen = _seen(pages, "hours")
    own = {s.osm() for s in parse_schedules(record.hours, language="fr")} if record.hours else set()
    still_shown = bool(own & {s.value for s in seen})
    drafts = []
    for s in seen:
        if s.value in own:
            continue
        schedule = parse_schedules(s.value, language="en")
        text = schedule[0].french() if schedule else s.value
        status = "new" if not record.hours else ("contradicted" if still_shown else "changed")
        drafts.append(_draft(record, "hours", s, status, record.hours, {"text": text}))
    if record.hours and own and not seen:
        drafts += _lost(record, "hours", "hours", [(sorted(own)[0], record.hours)], pages)
    return drafts


def _website(record: Institution, pages: Sequence[InstitutionPage]) -> list[ProposalDraft]:
    seen = _seen(pages, "website")
    current = _url_key(record.website) if record.website else None
    if current is not None and any(s.key == current for s in seen):
        return []
    status = "new" if current is None else "changed"
    return [_draft(record, "website", s, status, record.website, {}) for s in seen[:1]]


def compare_institution(
    record: Institution, pages: Sequence[InstitutionPage]
) -> list[ProposalDraft]:
    """The drafts of one institution: what its pages say against its record.

    Args:
        record: The curated record, as the corpus folder holds it now.
        pages: The institution's crawled pages (gone ones included, for ``no_longer_found``).
    """
    return [
        *_phones(record, pages),
        *_emails(record, pages),
        *_addresses(record, pages),
        *_hours(record, pages),
        *_website(record, pages),
    ]
