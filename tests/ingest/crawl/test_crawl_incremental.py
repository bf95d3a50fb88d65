"""Re-crawls: unchanged pages cost a 304 or a hash, changes make versions, nothing is lost."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from ingest.crawl import Crawler, CrawlReport, SourceConfig
from ingest.extract import Extractor
from ingest.store import DocumentStore
from tests.ingest.crawl.conftest import FaultSite, fast_source

pytestmark = pytest.mark.integration


def clean_source(site: FaultSite, **overrides: object) -> SourceConfig:
    return fast_source("clean", [site.url("/clean/")], allowed_prefixes=["/clean"], **overrides)


def crawl(
    store: DocumentStore, source: SourceConfig, reports: Path, extractor: Extractor | None = None
) -> CrawlReport:
    extractor = extractor or Extractor(identify_language=False)
    crawler = Crawler(store, reports_dir=reports, extractor=extractor)
    return asyncio.run(crawler.crawl(source))


def outcomes(report: CrawlReport, site: FaultSite) -> dict[str, str]:
    return {u.url.removeprefix(site.origin): u.outcome for u in report.urls}


CLEAN_PAGES = {
    "/clean",
    "/clean/logement",
    "/clean/dettes",
    "/clean/horaires.txt",
    "/clean/volatile",
    "/clean/changing",
}


def test_first_crawl_stores_the_site_with_normalised_urls(
    fault_site: FaultSite, store: DocumentStore, tmp_path: Path
) -> None:
    report = crawl(store, clean_source(fault_site), tmp_path)
    assert outcomes(report, fault_site) == {page: "new" for page in CLEAN_PAGES}
    assert report.complete is True
    stored = {d.url.removeprefix(fault_site.origin) for d in store.documents()}
    assert stored == CLEAN_PAGES
    logement = store.get(fault_site.url("/clean/logement"))
    assert logement is not None
    assert logement.language == "fr"
    assert "| Lundi | 9 h – 12 h |" in logement.text
    assert "elsewhere.invalid" not in "".join(fault_site.state.hits)


def test_unchanged_recrawl_makes_zero_extractions(
    fault_site: FaultSite, store: DocumentStore, tmp_path: Path
) -> None:
    crawl(store, clean_source(fault_site), tmp_path)
    before = {d.url: (d.content_hash, d.fetched_at) for d in store.documents()}
    extractor = Extractor(identify_language=False)
    report = crawl(store, clean_source(fault_site), tmp_path, extractor)
    assert extractor.extractions == 0
    result = outcomes(report, fault_site)
    assert result == {
        "/clean": "not_modified",
        "/clean/logement": "not_modified",
        "/clean/dettes": "not_modified",
        "/clean/horaires.txt": "not_modified",
        "/clean/volatile": "not_modified",
        "/clean/changing": "unchanged",  # no validators: caught by the body hash
    }
    assert fault_site.state.conditional_hits == 5
    after = {d.url: (d.content_hash, d.fetched_at) for d in store.documents()}
    assert {u: h for u, (h, _) in after.items()} == {u: h for u, (h, _) in before.items()}
    assert all(after[u][1] > before[u][1] for u in before)


def test_changed_page_makes_a_new_version_and_one_extraction(
    fault_site: FaultSite, store: DocumentStore, tmp_path: Path
) -> None:
    crawl(store, clean_source(fault_site), tmp_path)
    fault_site.state.changing_version = 2
    extractor = Extractor(identify_language=False)
    report = crawl(store, clean_source(fault_site), tmp_path, extractor)
    assert outcomes(report, fault_site)["/clean/changing"] == "changed"
    assert extractor.extractions == 1
    document = store.get(fault_site.url("/clean/changing"))
    assert document is not None
    assert "Version 2 du texte" in document.text
    assert [u.detail for u in report.urls if u.url.endswith("/changing")] == ["version 2"]


def test_page_that_disappears_is_gone_only_after_two_404s(
    fault_site: FaultSite, store: DocumentStore, tmp_path: Path
) -> None:
    url = fault_site.url("/clean/volatile")
    crawl(store, clean_source(fault_site), tmp_path)
    fault_site.state.volatile_status = 404
    second = crawl(store, clean_source(fault_site), tmp_path)
    assert outcomes(second, fault_site)["/clean/volatile"] == "gone_strike"
    kept = store.get(url)
    assert kept is not None and kept.status == "active"
    third = crawl(store, clean_source(fault_site), tmp_path)
    assert outcomes(third, fault_site)["/clean/volatile"] == "gone"
    gone = store.get(url)
    assert gone is not None and gone.status == "gone"
    assert gone.text == kept.text  # the last good version is kept, only its status changes


def test_failed_fetch_never_overwrites_or_deletes(
    fault_site: FaultSite, store: DocumentStore, tmp_path: Path
) -> None:
    url = fault_site.url("/clean/volatile")
    crawl(store, clean_source(fault_site), tmp_path)
    before = store.get(url)
    fault_site.state.volatile_status = 500
    report = crawl(store, clean_source(fault_site), tmp_path)
    assert outcomes(report, fault_site)["/clean/volatile"] == "error"
    assert report.complete is False
    assert store.get(url) == before
    assert store.count() == len(CLEAN_PAGES)
    assert store.count(status="gone") == 0


def test_page_absent_from_a_complete_crawl_is_gone(
    fault_site: FaultSite, store: DocumentStore, tmp_path: Path
) -> None:
    crawl(store, clean_source(fault_site), tmp_path)
    fault_site.state.link_volatile = False
    report = crawl(store, clean_source(fault_site), tmp_path)
    assert report.complete is True
    assert report.gone_absent == [fault_site.url("/clean/volatile")]
    document = store.get(fault_site.url("/clean/volatile"))
    assert document is not None and document.status == "gone"
    assert store.count() == len(CLEAN_PAGES) - 1


def test_truncated_crawl_marks_nothing_gone(
    fault_site: FaultSite, store: DocumentStore, tmp_path: Path
) -> None:
    crawl(store, clean_source(fault_site), tmp_path)
    report = crawl(store, clean_source(fault_site, max_pages=2), tmp_path)
    assert report.complete is False
    assert len(report.urls) == 2
    assert store.count(status="gone") == 0


def test_sitemap_lastmod_skips_pages_stored_since(
    fault_site: FaultSite, store: DocumentStore, tmp_path: Path
) -> None:
    source = fast_source(
        "sitemap",
        [],
        sitemaps=[fault_site.url("/sitemap-index.xml")],
        allowed_prefixes=["/clean"],
        max_depth=0,
    )
    first = crawl(store, source, tmp_path)
    assert outcomes(first, fault_site) == {"/clean/logement": "new", "/clean/dettes": "new"}
    hits = dict(fault_site.state.hits)
    second = crawl(store, source, tmp_path)
    assert outcomes(second, fault_site) == {
        "/clean/logement": "unchanged_sitemap",
        "/clean/dettes": "unchanged_sitemap",
    }
    assert fault_site.state.hits["/clean/logement"] == hits["/clean/logement"]
    fault_site.state.sitemap_lastmod = "2999-01-01"
    third = crawl(store, source, tmp_path)
    assert outcomes(third, fault_site) == {
        "/clean/logement": "not_modified",
        "/clean/dettes": "not_modified",
    }
    fault_site.state.sitemap_lastmod = "2020-01-01"
    old = store.page_state(fault_site.url("/clean/dettes"))
    assert old is not None
    store.save_page_state(replace(old, fetched_at=old.fetched_at - timedelta(days=8)))
    fourth = crawl(store, source, tmp_path)
    assert outcomes(fourth, fault_site) == {
        "/clean/logement": "unchanged_sitemap",
        "/clean/dettes": "not_modified",  # lastmod is trusted for a week, then revalidated
    }


def test_two_sources_crawl_concurrently_into_one_store(
    fault_site: FaultSite, tmp_path: Path
) -> None:
    path = tmp_path / "documents.db"
    files = fast_source(
        "files-on-site",
        [fault_site.url("/tarifs.pdf"), fault_site.url("/procedure.docx")],
        max_depth=0,
    )
    with DocumentStore(path) as first, DocumentStore(path) as second:
        clean = Crawler(
            first, reports_dir=tmp_path, extractor=Extractor(identify_language=False)
        ).crawl(clean_source(fault_site))
        other = Crawler(
            second, reports_dir=tmp_path, extractor=Extractor(identify_language=False)
        ).crawl(files)

        async def both() -> list[CrawlReport]:
            return list(await asyncio.gather(clean, other))

        reports = asyncio.run(both())
    assert [r.crawled for r in reports] == [6, 2]
    with DocumentStore(path) as store:
        assert len(store.documents(source_id="clean")) == 6
        assert len(store.documents(source_id="files-on-site")) == 2
        assert [run["status"] for run in store.runs("clean")] == ["finished"]
