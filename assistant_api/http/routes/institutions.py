"""``GET /v1/institutions`` (search for professionals) and ``GET /v1/institutions/{id}``.

The record's URL is also what an answer cites (``ingest.fiche_url``), so a person who opens
that link in a browser must get a page they can read, not JSON: with content negotiation a
browser (``Accept: text/html`` preferred) gets an HTML page in their language — ``?lang=``,
else ``Accept-Language``, else French — while API clients keep the JSON record unchanged.
The page shows what the service does as vocabulary terms in that language, the contacts by
site (phone numbers isolated left to right, ``tel:`` links), the hours rendered per locale
(``assistant_api.answer.hours``) and the sources with their dates; never the record's
``situations`` (internal retrieval sentences) or curation notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import yaml
from babel.core import negotiate_locale
from babel.dates import format_date, format_timedelta
from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from assistant_api.answer.hours import ZURICH, current_schedule, locale_for, render_hours
from assistant_api.answer.institution_search import SearchPage
from assistant_api.answer.templates import AnswerTemplates, Labels
from assistant_api.http.deps import RuntimeDep, ServicesDep, SettingsDep
from assistant_api.triage.language import RTL_LANGUAGES, SUPPORTED_LANGUAGES
from ingest import CATEGORIES, Institution
from ingest.corpus import Vocabulary, load_vocabulary
from ingest.facts.freshness import freshness_status

__all__ = ["page_language", "prefers_html", "router"]

router = APIRouter(tags=["institutions"])

_TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
_PAGES = Jinja2Templates(directory=str(_TEMPLATES_DIR))  # autoescapes .html templates


@router.get("/v1/institutions", response_model=SearchPage)
async def search_institutions(
    services: ServicesDep,
    q: Annotated[
        str | None, Query(max_length=200, description="Words of names or services.")
    ] = None,
    category: Annotated[
        str | None, Query(max_length=40, description=f"One of: {', '.join(CATEGORIES)}.")
    ] = None,
    commune: Annotated[
        str | None, Query(max_length=80, description="Keep institutions serving this commune.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> SearchPage:
    """Find institutions by words, category and the commune they serve, best match first."""
    if category is not None and category not in CATEGORIES:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            f"unknown category {category!r}; use one of: {', '.join(CATEGORIES)}",
        )
    resolved = services.runtime.resolve_commune(commune, "") if commune else None
    return services.search.search(
        q=q, category=category, commune=resolved or commune, limit=limit, offset=offset
    )


@router.get(
    "/v1/institutions/{institution_id}",
    response_model=Institution,
    responses={200: {"content": {"text/html": {}}, "description": "JSON, or a page for people"}},
)
async def get_institution(
    institution_id: str,
    request: Request,
    runtime: RuntimeDep,
    settings: SettingsDep,
    lang: Annotated[
        str | None, Query(max_length=3, description="Language of the HTML page.")
    ] = None,
) -> Institution | HTMLResponse:
    """Every field of one institution, with the sources of each fact (HTML for browsers)."""
    record = runtime.service.institutions.get(institution_id)
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no institution with id {institution_id!r}")
    if not prefers_html(request.headers.get("accept", "")):
        return record
    language = page_language(lang, request.headers.get("accept-language", ""))
    page = build_page(
        record,
        language,
        labels=_answer_templates(settings.prompts_dir / "answer").get(language).labels,
        vocabulary=_vocabulary(),
        now=datetime.now(ZURICH),
        thresholds=(settings.facts.current_days, settings.facts.ageing_days),
    )
    response = _PAGES.TemplateResponse(request, "institution.html", {"page": page})
    response.headers["Vary"] = "Accept, Accept-Language"
    response.headers["Content-Language"] = language
    return response


def _weighted(header: str) -> list[tuple[str, float]]:
    """The values of an Accept-style header with their q weights, best first."""
    found = []
    for position, part in enumerate(header.split(",")):
        value, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            key, _, number = param.strip().partition("=")
            if key == "q":
                try:
                    weight = float(number)
                except ValueError:
                    weight = 0.0
        if value:
            found.append((value.strip().lower(), weight, position))
    found.sort(key=lambda item: (-item[1], item[2]))
    return [(value, weight) for value, weight, _ in found if weight > 0]


def prefers_html(accept: str) -> bool:
    """Whether ``Accept`` names HTML explicitly and weighs it above JSON (as browsers do).

    ``*/*`` alone, no header, or JSON weighed at least as high keep the JSON answer, so that
    API clients, curl and the front ends' ``fetch`` calls see no change.
    """
    weights = dict(_weighted(accept))
    html = max(weights.get("text/html", 0.0), weights.get("application/xhtml+xml", 0.0))
    return html > weights.get("application/json", 0.0)


def page_language(asked: str | None, accept_language: str) -> str:
    """``?lang=`` when supported, else the best supported ``Accept-Language``, else French."""
    if asked in SUPPORTED_LANGUAGES:
        return asked
    preferred = [value for value, _ in _weighted(accept_language) if value != "*"]
    found = negotiate_locale(preferred, list(SUPPORTED_LANGUAGES), sep="-")
    if found is None:  # "de-CH" when only "de" is offered: try the language part
        found = negotiate_locale([p.split("-")[0] for p in preferred], list(SUPPORTED_LANGUAGES))
    return found if found in SUPPORTED_LANGUAGES else "fr"


@lru_cache(maxsize=4)
def _answer_templates(folder: Path) -> AnswerTemplates:
    return AnswerTemplates(folder)


@lru_cache(maxsize=1)
def _vocabulary() -> Vocabulary:
    return load_vocabulary()


@lru_cache(maxsize=1)
def _page_labels() -> dict[str, dict[str, str]]:
    text = (_TEMPLATES_DIR / "institution_labels.yaml").read_text(encoding="utf-8")
    labels: dict[str, dict[str, str]] = yaml.safe_load(text)
    return labels


@dataclass(frozen=True)
class _Hours:
    channel: str
    week: str
    status: str


@dataclass(frozen=True)
class _Site:
    name: str | None
    address: str
    hours: list[_Hours] = field(default_factory=list)


@dataclass(frozen=True)
class _PhoneLine:
    number: str
    tel: str
    label: str | None


@dataclass(frozen=True)
class _Source:
    url: str
    host: str
    dated: str


@dataclass(frozen=True)
class InstitutionPage:
    """What the HTML page shows: only public facts, said in ``lang`` where they can be."""

    lang: str
    dir: str
    name: str
    acronym: str | None
    labels: dict[str, str]
    services: list[str]
    description: str
    sites: list[_Site]
    phones: list[_PhoneLine]
    emails: list[str]
    website: str | None
    website_host: str | None
    hours_text: str | None
    old_hours: str | None
    sources: list[_Source]


def build_page(
    record: Institution,
    language: str,
    *,
    labels: Labels,
    vocabulary: Vocabulary,
    now: datetime,
    thresholds: tuple[int, int],
) -> InstitutionPage:
    """The page of ``record`` in ``language`` at ``now`` (hours older than the thresholds are
    shown as the source's French text with their date, never as open or closed now)."""
    words = {**_page_labels().get(language, _page_labels()["fr"]), **labels.model_dump()}
    today = now.astimezone(ZURICH).date()
    locale = locale_for(language)
    terms = [t for t in (vocabulary.get(i) for i in record.service_terms) if t is not None]
    sites = []
    shown_schedule = False
    for location in record.locations:
        schedule = current_schedule(
            location.schedules, today=today, current_days=thresholds[0], ageing_days=thresholds[1]
        )
        hours = []
        if schedule is not None:
            rendered = render_hours(schedule, language, now=now)
            hours.append(_Hours(rendered.channel, rendered.week, rendered.status))
            shown_schedule = True
        address = location.model_copy(update={"name": None}).one_line()
        sites.append(_Site(name=location.name, address=address, hours=hours))
    old_hours = None
    if record.hours and not shown_schedule:
        assured = record.assured.get("hours")
        when = assured.assured_date if assured else None
        stale = freshness_status(
            when, today=today, current_days=thresholds[0], ageing_days=thresholds[1]
        )
        old_hours = (
            words["old_hours"].format(date=format_date(when, "long", locale=locale))
            if when is not None and stale == "stale"
            else f"{words['hours']}:"
        )
    return InstitutionPage(
        lang=language,
        dir="rtl" if language in RTL_LANGUAGES else "ltr",
        name=record.name,
        acronym=record.acronym,
        labels=words,
        services=[t.label(language) for t in terms],
        description=record.description,
        sites=sites,
        phones=[
            _PhoneLine(p.number, "".join(c for c in p.number if c.isdigit() or c == "+"), p.label)
            for p in record.phones
        ],
        emails=list(record.emails),
        website=record.website,
        website_host=urlsplit(record.website).netloc.removeprefix("www.")
        if record.website
        else None,
        hours_text=record.hours if old_hours else None,
        old_hours=old_hours,
        sources=[_source(url, record, words, today, language) for url in record.sources],
    )


def _source(
    url: str, record: Institution, words: dict[str, str], today: date, language: str
) -> _Source:
    """One source with the day a fact was read from it and how long ago, in ``language``."""
    days = [a.assured_date for a in record.assured.values() if a.source == url]
    days += [
        s.as_of for loc in record.locations for s in loc.schedules if s.source == url and s.as_of
    ]
    host = urlsplit(url).netloc.removeprefix("www.") or url
    if not days:
        return _Source(url=url, host=host, dated=words["undated"])
    seen = max(days)
    locale = locale_for(language)
    age = format_timedelta(seen - today, add_direction=True, locale=locale)
    return _Source(url=url, host=host, dated=f"{format_date(seen, 'long', locale=locale)} ({age})")
