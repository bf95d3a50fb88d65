"""GET /v1/institutions/<id>: a page for people in a browser, the same JSON for API clients."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from assistant_api.answer.hours import ZURICH
from assistant_api.answer.templates import AnswerTemplates
from assistant_api.http.routes.institutions import (
    _PAGES,
    build_page,
    page_language,
    prefers_html,
)
from ingest import Institution
from ingest.corpus import load_corpus, load_vocabulary
from permanence.settings import PROJECT_ROOT

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
RECORD = "gsr-neuchatel"


def _get(base: str, accept: str, **params: str) -> httpx.Response:
    return httpx.get(f"{base}/v1/institutions/{RECORD}", headers={"Accept": accept}, params=params)


@pytest.mark.integration
def test_json_clients_keep_the_json_record(api_server: str) -> None:
    plain = httpx.get(f"{api_server}/v1/institutions/{RECORD}")
    asked = _get(api_server, "application/json")
    assert asked.headers["content-type"].startswith("application/json")
    assert asked.json() == plain.json()
    assert asked.json()["id"] == RECORD


@pytest.mark.integration
@pytest.mark.parametrize(
    ("lang", "direction", "heading"),
    [
        ("fr", "ltr", "Ce que fait ce service"),
        ("ar", "rtl", "ما الذي تقدمه هذه الجهة"),
        ("de", "ltr", "Was diese Stelle tut"),
    ],
)
def test_browser_gets_a_page_in_the_asked_language(
    api_server: str, lang: str, direction: str, heading: str
) -> None:
    response = _get(api_server, BROWSER_ACCEPT, lang=lang)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert f'<html lang="{lang}" dir="{direction}">' in html
    assert heading in html
    assert '<a href="tel:+41327177410"><bdi dir="ltr">+41 32 717 74 10</bdi></a>' in html
    notes = httpx.get(f"{api_server}/v1/institutions/{RECORD}").json()["notes"]
    assert notes and notes[:40] not in html


@pytest.mark.integration
def test_accept_language_chooses_the_page_language(api_server: str) -> None:
    response = httpx.get(
        f"{api_server}/v1/institutions/{RECORD}",
        headers={"Accept": BROWSER_ACCEPT, "Accept-Language": "de-CH,de;q=0.9,fr;q=0.5"},
    )
    assert '<html lang="de" dir="ltr">' in response.text
    assert response.headers["content-language"] == "de"


@pytest.mark.integration
def test_unknown_institution_is_404_for_browsers_too(api_server: str) -> None:
    response = httpx.get(
        f"{api_server}/v1/institutions/no-such-place", headers={"Accept": BROWSER_ACCEPT}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (BROWSER_ACCEPT, True),
        ("application/json", False),
        ("*/*", False),
        ("", False),
        ("text/html;q=0.5, application/json", False),
        ("application/json;q=0.2, text/html", True),
    ],
)
def test_content_negotiation(accept: str, html: bool) -> None:
    assert prefers_html(accept) is html


def test_page_language_order() -> None:
    assert page_language("ar", "de-CH") == "ar"
    assert page_language("xx", "fa-IR,en;q=0.5") == "fa"
    assert page_language(None, "ja,zh;q=0.8") == "fr"


@pytest.fixture(scope="module")
def records() -> dict[str, Institution]:
    return {r.id: r for r in load_corpus(PROJECT_ROOT / "corpora" / "neuchatel")}


def _page(record: Institution, language: str, now: datetime) -> str:
    labels = AnswerTemplates(PROJECT_ROOT / "prompts" / "answer").get(language).labels
    page = build_page(
        record,
        language,
        labels=labels,
        vocabulary=load_vocabulary(),
        now=now,
        thresholds=(183, 548),
    )
    return _PAGES.get_template("institution.html").render(page=page)


def test_page_renders_hours_and_never_the_situations(records: dict[str, Institution]) -> None:
    record = next(
        r
        for r in records.values()
        if r.situations
        and any(loc.schedules for loc in r.locations)
        and r.id == "pole-administratif-tivoli"
    )
    html = _page(record, "ar", datetime(2026, 12, 3, 10, 0, tzinfo=ZURICH))
    assert "مفتوح الآن" in html and "الاثنين–الخميس" in html
    for sentence in record.situations:
        assert sentence not in html
    assert record.notes is not None and record.notes[:30] not in html
    term = load_vocabulary().get(record.service_terms[0])
    assert term is not None and term.label("ar") in html


def test_stale_hours_are_dated_french_text_not_open_now(records: dict[str, Institution]) -> None:
    record = records["agence-avs-entre-deux-lacs"]
    html = _page(record, "en", datetime(2026, 12, 3, 10, 0, tzinfo=ZURICH))
    assert "open now" not in html and "closed now" not in html
    assert "Hours noted on 27 April 2018" in html
    assert re.search(r"27 April 2018 \(\d+ years ago\)", html)


def test_template_escapes_record_text(records: dict[str, Institution]) -> None:
    record = records["agence-avs-entre-deux-lacs"].model_copy(update={"name": "<script>x</script>"})
    html = _page(record, "fr", datetime(2026, 12, 3, 10, 0, tzinfo=ZURICH))
    assert "<script>x" not in html and "&lt;script&gt;" in html


def test_template_file_exists() -> None:
    assert (Path(_PAGES.env.loader.searchpath[0]) / "institution.html").exists()  # type: ignore[union-attr]
