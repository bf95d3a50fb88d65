"""Full crawls of the local mirror (``corpora/sites``): the GSR-like directory, an institution
site, and both intranets, served on 127.0.0.1 by ``permanence.testing.sites``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ingest.crawl import Crawler, CrawlReport, SourceConfig
from ingest.errors import AuthError
from ingest.extract import Extractor, GsrFiche, load_institutions
from ingest.store import DocumentStore
from permanence.settings import PROJECT_ROOT

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SITES = PROJECT_ROOT / "corpora" / "sites"
if not (SITES / "gsr" / "fiches").is_dir():  # pragma: no cover - the mirror is committed
    pytest.skip("the mirror under corpora/sites is not generated", allow_module_level=True)

from permanence.testing.sites import ServedSites, serve_sites  # noqa: E402 - after the skip above

INTRANET = ("pro-mirror", "mirror-intranet-pw-4242")
BASIC = ("partner-mirror", "mirror-basic-pw-8686")
ENV = {
    "FORM_USER": INTRANET[0],
    "FORM_PASSWORD": INTRANET[1],
    "BASIC_USER": BASIC[0],
    "BASIC_PASSWORD": BASIC[1],
}


@pytest.fixture(scope="module")
def sites() -> Iterator[ServedSites]:
    with serve_sites(
        "gsr",
        "caritas-neuchatel.ch",
        "intranet",
        "intranet-basic",
        credentials={"intranet": INTRANET, "intranet-basic": BASIC},
    ) as served:
        yield served


def source(name: str, kind: str, start: str, **extra: Any) -> SourceConfig:
    return SourceConfig.model_validate(
        {
            "name": name,
            "kind": kind,
            "start_urls": [start],
            "max_pages": 2000,
            "rate": {"concurrency": 4, "delay_s": 0.0},
            "retry": {"max_retries": 1, "backoff_s": 0.01},
            **extra,
        }
    )


def crawl(
    store: DocumentStore, config: SourceConfig, folder: Path, env: dict[str, str] = ENV
) -> tuple[CrawlReport, Extractor]:
    extractor = Extractor(identify_language=False)
    crawler = Crawler(store, reports_dir=folder, extractor=extractor, env=env)
    return asyncio.run(crawler.crawl(config)), extractor


@dataclass
class GsrCrawl:
    sites: ServedSites
    store: DocumentStore
    first: CrawlReport
    second: CrawlReport
    second_extractions: int

    def outcome(self, path: str) -> str:
        url = self.sites.url("gsr", path)
        return next(u.outcome for u in self.first.urls if u.url == url)


@pytest.fixture(scope="module")
def gsr_crawl(sites: ServedSites, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GsrCrawl]:
    folder = tmp_path_factory.mktemp("gsr")
    config = source(
        "gsr-mirror",
        "gsr",
        sites.url("gsr", "/"),
        sitemaps=[sites.url("gsr", "/sitemap.xml")],
    )
    with DocumentStore(folder / "documents.db") as store:
        first, _ = crawl(store, config, folder)
        second, extractor = crawl(store, config, folder)
        yield GsrCrawl(sites, store, first, second, extractor.extractions)


def test_gsr_every_fiche_becomes_a_linked_document(gsr_crawl: GsrCrawl) -> None:
    fiche_ids = sorted(p.stem for p in (SITES / "gsr" / "fiches").glob("*.html"))
    documents = {d.url: d for d in gsr_crawl.store.documents(kind="gsr")}
    for fiche_id in fiche_ids:
        document = documents[gsr_crawl.sites.url("gsr", f"/fiches/{fiche_id}.html")]
        assert document.institution_id == fiche_id
        assert document.kind == "gsr"
        assert document.categories, fiche_id
    assert len(gsr_crawl.store.fiches()) == len(fiche_ids)


def test_gsr_fiches_agree_with_the_curated_records(gsr_crawl: GsrCrawl) -> None:
    records = {r.id: r for r in load_institutions(PROJECT_ROOT / "corpora" / "neuchatel")}
    fiches = {k: GsrFiche.model_validate_json(v) for k, v in gsr_crawl.store.fiches().items()}
    assert set(records) <= set(fiches)
    for record_id, record in records.items():
        fiche = fiches[record_id]
        assert fiche.name == record.name
        assert fiche.categories == record.categories
        assert fiche.services == record.services
        assert fiche.eligibility == record.eligibility
        assert [p.number for p in fiche.phones] == [p.number for p in record.phones]
        assert fiche.emails == record.emails
        # A GSR fiche gives its sites' addresses; structured schedules are curated in the record
        # (from its hours text, with their own source and date), never read from the fiche.
        assert fiche.locations == [
            location.model_copy(update={"schedules": []}) for location in record.locations
        ]
        assert fiche.website == record.website
        assert fiche.hours == record.hours


def test_gsr_noise_has_its_outcomes(gsr_crawl: GsrCrawl) -> None:
    assert gsr_crawl.outcome("/fiches/permanence-fermee-2025.html") == "not_found"
    assert gsr_crawl.outcome("/fiches/guide-des-aides-2019.html") == "not_found"
    disallowed = [u for u in gsr_crawl.first.urls if u.outcome == "disallowed"]
    assert disallowed and all("/search" in u.url for u in disallowed)
    paths = {r.path for r in gsr_crawl.sites.requests_for("gsr")}
    assert "/search" not in paths
    assert not any(p.startswith("/admin") for p in paths)
    assert gsr_crawl.first.counts()["errors"] == 0


def test_gsr_unchanged_recrawl_extracts_nothing(gsr_crawl: GsrCrawl) -> None:
    assert gsr_crawl.second_extractions == 0
    assert gsr_crawl.second.counts()["fetched"] == 0
    assert gsr_crawl.second.crawled == gsr_crawl.first.crawled


def test_institution_site_is_linked_and_its_pdf_read(sites: ServedSites, tmp_path: Path) -> None:
    config_file = SITES / "caritas-neuchatel.ch" / "_server.json"
    institution = json.loads(config_file.read_text(encoding="utf-8"))["institution_id"]
    origin = sites.url("caritas-neuchatel.ch")
    config = source("caritas", "web", origin + "/", institution_id=institution)
    with DocumentStore(tmp_path / "documents.db") as store:
        report, _ = crawl(store, config, tmp_path)
        documents = store.documents()
    outcomes = {u.url.removeprefix(origin): u.outcome for u in report.urls}
    assert outcomes["/documents/rapport-2023.pdf"] == "not_found"
    assert {d.institution_id for d in documents} == {"caritas-neuchatel"}
    urls = {d.url.removeprefix(origin) for d in documents}
    assert {"/", "/contact.html", "/prestations.html", "/documents/brochure.pdf"} <= urls
    brochure = next(d for d in documents if d.url.endswith("/brochure.pdf"))
    assert len(brochure.text) > 100


def test_form_login_intranet(sites: ServedSites, tmp_path: Path) -> None:
    origin = sites.url("intranet")
    auth = {
        "method": "form",
        "login_url": origin + "/login",
        "username_env": "FORM_USER",
        "password_env": "FORM_PASSWORD",
    }
    config = source("intranet", "intranet", origin + "/", auth=auth)
    with DocumentStore(tmp_path / "documents.db") as store:
        report, _ = crawl(store, config, tmp_path)
        documents = store.documents()
        assert len(documents) >= 15
        assert {d.audience for d in documents} == {"professional"}
        assert not any(d.url.startswith(origin + "/login") for d in documents)
        assert report.counts()["errors"] == 0
    with DocumentStore(tmp_path / "wrong.db") as store:
        with pytest.raises(AuthError, match=r"login at .*/login was refused"):
            crawl(store, config, tmp_path, env={**ENV, "FORM_PASSWORD": "wrong-password-1"})
        assert store.count(status=None) == 0


def test_basic_auth_intranet(sites: ServedSites, tmp_path: Path) -> None:
    origin = sites.url("intranet-basic")
    auth = {"method": "basic", "username_env": "BASIC_USER", "password_env": "BASIC_PASSWORD"}
    config = source("partners", "intranet", origin + "/", auth=auth)
    with DocumentStore(tmp_path / "documents.db") as store:
        report, _ = crawl(store, config, tmp_path)
        assert store.count() >= 6
        assert report.counts()["errors"] == 0
    with DocumentStore(tmp_path / "wrong.db") as store:
        with pytest.raises(AuthError, match="answered HTTP 401"):
            crawl(store, config, tmp_path, env={**ENV, "BASIC_PASSWORD": "wrong-password-2"})
        assert store.count(status=None) == 0
