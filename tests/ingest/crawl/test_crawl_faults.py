"""The crawler against the fault-injection site: each fault has its expected outcome.

One crawl of the whole site (module fixture) feeds most assertions; faults that need their own
knobs (robots.txt trouble) crawl again.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ingest.crawl import USER_AGENT, Crawler, CrawlReport
from ingest.extract import Extractor
from ingest.store import DocumentStore
from tests.ingest.crawl.conftest import FaultSite, fast_source
from tests.ingest.crawl.faultsite import HUGE_BYTES, FaultState

pytestmark = pytest.mark.integration


@dataclass
class FaultCrawl:
    site: FaultSite
    store: DocumentStore
    report: CrawlReport
    reports_dir: Path
    extractor: Extractor

    def outcome(self, path: str) -> str:
        url = self.site.url(path)
        found = [u.outcome for u in self.report.urls if u.url == url]
        assert len(found) == 1, f"{url} has outcomes {found}"
        return found[0]

    def detail(self, path: str) -> str:
        url = self.site.url(path)
        return next(u.detail for u in self.report.urls if u.url == url)


@pytest.fixture(scope="module")
def fault_crawl(
    _fault_server: FaultSite, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FaultCrawl]:
    _fault_server.state.__dict__.update(FaultState().__dict__)
    folder = tmp_path_factory.mktemp("fault-crawl")
    extractor = Extractor(identify_language=False)
    with DocumentStore(folder / "documents.db") as store:
        crawler = Crawler(store, reports_dir=folder / "reports", extractor=extractor)
        report = asyncio.run(crawler.crawl(fast_source("faults", [_fault_server.url("/")])))
        yield FaultCrawl(_fault_server, store, report, folder / "reports", extractor)


@pytest.mark.parametrize(
    ("path", "outcome"),
    [
        pytest.param("/", "new", id="home"),
        pytest.param("/flaky", "new", id="500s-that-recover"),
        pytest.param("/busy", "new", id="429-retry-after"),
        pytest.param("/slow", "error", id="read-timeout"),
        pytest.param("/drip", "error", id="slow-drip-body"),
        pytest.param("/huge", "too_large", id="50MB-chunked"),
        pytest.param("/huge-declared", "too_large", id="50MB-content-length"),
        pytest.param("/loop-a", "redirect_loop", id="redirect-loop"),
        pytest.param("/chain/0", "too_many_redirects", id="redirect-chain"),
        pytest.param("/offsite", "out_of_scope", id="redirect-off-site"),
        pytest.param("/private/secret", "disallowed", id="robots-disallow"),
        pytest.param("/image.png", "unsupported", id="content-type"),
        pytest.param("/malformed", "new", id="malformed-html"),
        pytest.param("/latin1", "new", id="wrong-declared-charset"),
        pytest.param("/tarifs.pdf", "new", id="pdf"),
        pytest.param("/procedure.docx", "new", id="docx"),
        pytest.param("/noindex", "noindex", id="meta-noindex"),
        pytest.param("/alias", "duplicate", id="canonical-duplicate"),
    ],
)
def test_each_fault_has_its_outcome(fault_crawl: FaultCrawl, path: str, outcome: str) -> None:
    assert fault_crawl.outcome(path) == outcome


def test_500s_are_retried_until_the_page_answers(fault_crawl: FaultCrawl) -> None:
    assert fault_crawl.site.state.hits["/flaky"] == 3
    document = fault_crawl.store.get(fault_crawl.site.url("/flaky"))
    assert document is not None
    assert document.title == "Page instable"


def test_429_waits_as_long_as_retry_after_says(fault_crawl: FaultCrawl) -> None:
    first, second = fault_crawl.site.state.hit_times["/busy"]
    assert fault_crawl.site.state.hits["/busy"] == 2
    assert second - first >= 1.0


def test_timeouts_are_retried_then_reported(fault_crawl: FaultCrawl) -> None:
    assert fault_crawl.site.state.hits["/slow"] == 3
    assert "ReadTimeout" in fault_crawl.detail("/slow")
    assert "after 3 attempts" in fault_crawl.detail("/slow")


def test_slow_drip_is_cut_by_the_total_deadline(fault_crawl: FaultCrawl) -> None:
    assert fault_crawl.site.state.hits["/drip"] == 1
    assert "total_timeout_s=1.0" in fault_crawl.detail("/drip")


def test_huge_body_is_aborted_without_reading_it(fault_crawl: FaultCrawl) -> None:
    # Both 50 MB answers together: the server stops once the client hangs up.
    assert fault_crawl.site.state.huge_bytes_sent < HUGE_BYTES // 4
    assert fault_crawl.detail("/huge") == "body exceeds max_bytes=1000000; download aborted"
    assert fault_crawl.detail("/huge-declared") == (
        "Content-Length 52428800 exceeds max_bytes=1000000"
    )


def test_redirect_loop_is_detected_after_one_round(fault_crawl: FaultCrawl) -> None:
    assert fault_crawl.site.state.hits["/loop-a"] == 1
    assert fault_crawl.site.state.hits["/loop-b"] == 1
    assert fault_crawl.site.state.hits.get("/chain/5", 0) == 0


def test_robots_disallowed_page_is_never_requested(fault_crawl: FaultCrawl) -> None:
    assert "/private/secret" not in fault_crawl.site.state.hits
    assert fault_crawl.site.state.hits["/robots.txt"] == 1


def test_every_request_names_the_project(fault_crawl: FaultCrawl) -> None:
    assert fault_crawl.site.state.user_agents == {USER_AGENT}


def test_wrong_declared_charset_comes_out_right(fault_crawl: FaultCrawl) -> None:
    document = fault_crawl.store.get(fault_crawl.site.url("/latin1"))
    assert document is not None
    assert document.title == "Fête de l'été à Neuchâtel"
    assert "des crêpes près du lac. Café offert à 10 h. Ça se passe à côté" in document.text


def test_malformed_html_still_gives_its_text(fault_crawl: FaultCrawl) -> None:
    document = fault_crawl.store.get(fault_crawl.site.url("/malformed"))
    assert document is not None
    assert document.title == "Page mal formée"
    assert "Le texte principal doit quand même être lu par l'extracteur" in document.text


def test_pdf_and_docx_are_extracted(fault_crawl: FaultCrawl) -> None:
    pdf = fault_crawl.store.get(fault_crawl.site.url("/tarifs.pdf"))
    docx = fault_crawl.store.get(fault_crawl.site.url("/procedure.docx"))
    assert pdf is not None and docx is not None
    assert pdf.title == "Tarifs 2026"
    assert pdf.text == "Tarifs du service fictif\nConsultation: gratuite\nRepas: 12 francs"
    assert docx.title == "Procédure interne"
    assert "| Accueil | 1 jour |" in docx.text
    assert docx.text.startswith("# Procédure d'accueil")


def test_only_successful_pages_are_stored(fault_crawl: FaultCrawl) -> None:
    stored = {d.url.removeprefix(fault_crawl.site.origin) for d in fault_crawl.store.documents()}
    assert stored == {
        "/",
        "/flaky",
        "/busy",
        "/malformed",
        "/latin1",
        "/tarifs.pdf",
        "/procedure.docx",
    }
    assert fault_crawl.extractor.extractions == 9  # the 7 stored + noindex + the duplicate alias


def test_report_json_lists_every_url(fault_crawl: FaultCrawl) -> None:
    files = sorted(fault_crawl.reports_dir.glob("*-faults-run1.json"))
    assert len(files) == 1
    data = json.loads(files[0].read_text(encoding="utf-8"))
    assert data["complete"] is False
    assert data["counts"]["fetched"] == 7
    assert data["counts"]["errors"] == 4
    outcomes = {u["url"].removeprefix(fault_crawl.site.origin): u["outcome"] for u in data["urls"]}
    assert outcomes["/huge"] == "too_large"
    assert outcomes["/slow"] == "error"
    assert len(outcomes) == 18


def test_robots_5xx_disallows_the_whole_site(
    fault_site: FaultSite, store: DocumentStore, tmp_path: Path
) -> None:
    fault_site.state.robots_status = 503
    crawler = Crawler(store, reports_dir=tmp_path, extractor=Extractor(identify_language=False))
    report = asyncio.run(crawler.crawl(fast_source("robots-down", [fault_site.url("/")])))
    assert [(u.url, u.outcome) for u in report.urls] == [(fault_site.url("/"), "disallowed")]
    assert set(fault_site.state.hits) == {"/robots.txt"}
    assert fault_site.state.hits["/robots.txt"] == 3  # retried like any 5xx, then given up
    assert store.count() == 0


def test_robots_4xx_allows_everything(
    fault_site: FaultSite, store: DocumentStore, tmp_path: Path
) -> None:
    fault_site.state.robots_status = 404
    crawler = Crawler(store, reports_dir=tmp_path, extractor=Extractor(identify_language=False))
    source = fast_source("robots-404", [fault_site.url("/private/secret")])
    report = asyncio.run(crawler.crawl(source))
    assert [(u.url, u.outcome) for u in report.urls] == [(fault_site.url("/private/secret"), "new")]
    assert fault_site.state.hits["/private/secret"] == 1
