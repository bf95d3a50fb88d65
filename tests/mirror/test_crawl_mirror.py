"""The project's crawler runs against the served mirror: GSR by sitemap, intranets by login.

This is the end-to-end check that the mirror is crawlable as documented (absolute sitemap URLs,
robots rules, login flow, basic auth) and that the GSR fiches come out as institution documents.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest.crawl import Crawler, SourceConfig
from ingest.store import DocumentStore
from permanence.testing.sites import SITES_ROOT, ServedSites, serve_sites

pytestmark = [pytest.mark.integration, pytest.mark.slow]

USER, PASSWORD = "pro", "mirror-test-password"
ENV = {"MIRROR_USER": USER, "MIRROR_PASSWORD": PASSWORD}
FAST: dict[str, Any] = {
    "rate": {"concurrency": 8, "delay_s": 0.0},
    "retry": {"max_retries": 0, "backoff_s": 0.0, "retry_after_cap_s": 0.0},
    "max_pages": 2000,
}


@pytest.fixture(scope="module")
def sites() -> Iterator[ServedSites]:
    credentials = {"intranet": (USER, PASSWORD), "intranet-basic": (USER, PASSWORD)}
    with serve_sites("gsr", "intranet", "intranet-basic", credentials=credentials) as served:
        yield served


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DocumentStore]:
    with DocumentStore(tmp_path / "documents.db") as opened:
        yield opened


def _crawl(store: DocumentStore, tmp_path: Path, source: SourceConfig) -> None:
    report = asyncio.run(Crawler(store, reports_dir=tmp_path / "reports", env=ENV).crawl(source))
    assert report.fatal is None


def test_gsr_crawled_from_its_sitemap(
    sites: ServedSites, store: DocumentStore, tmp_path: Path
) -> None:
    source = SourceConfig.model_validate(
        {
            "name": "gsr-mirror",
            "kind": "gsr",
            "sitemaps": [sites.url("gsr", "/sitemap.xml")],
            **FAST,
        }
    )
    _crawl(store, tmp_path, source)
    urls = {d.url.removeprefix(sites["gsr"]) for d in store.documents(source_id="gsr-mirror")}
    fiches = {f"/fiches/{p.name}" for p in (SITES_ROOT / "gsr" / "fiches").glob("*.html")}
    assert fiches <= urls
    assert not any(u.startswith(("/admin/", "/search")) for u in urls)
    assert any(u.rstrip("/") == "/themes/aide-sociale" for u in urls)
    caritas = next(
        d
        for d in store.documents(source_id="gsr-mirror")
        if d.url.endswith("/caritas-neuchatel.html")
    )
    assert caritas.institution_id == "caritas-neuchatel"
    assert caritas.etag is not None and caritas.last_modified is not None


def test_every_institution_site_is_crawlable(store: DocumentStore, tmp_path: Path) -> None:
    names = sorted(
        p.parent.name
        for p in SITES_ROOT.glob("*/_server.json")
        if p.parent.name not in ("gsr", "intranet", "intranet-basic")
    )
    assert len(names) >= 12
    with serve_sites(*names) as served:
        for name in names:
            source = SourceConfig.model_validate(
                {"name": name, "kind": "web", "start_urls": [served.url(name, "/")], **FAST}
            )
            report = asyncio.run(Crawler(store, reports_dir=tmp_path / "r").crawl(source))
            outcomes = {u.outcome for u in report.urls}
            assert report.fatal is None, name
            assert not outcomes & {"error", "redirect_loop", "too_many_redirects"}, (name, outcomes)
            assert outcomes & {"gone", "not_found"}, f"{name}: the broken link is not reported"
            docs = store.documents(source_id=name)
            assert len(docs) >= 3, name
            for doc in docs:
                assert "Ã©" not in doc.text and "\ufffd" not in doc.text, (name, doc.url)


def test_form_login_intranet_is_crawled_as_professional(
    sites: ServedSites, store: DocumentStore, tmp_path: Path
) -> None:
    source = SourceConfig.model_validate(
        {
            "name": "intranet-mirror",
            "kind": "intranet",
            "start_urls": [sites.url("intranet", "/")],
            "auth": {
                "method": "form",
                "login_url": sites.url("intranet", "/login"),
                "username_env": "MIRROR_USER",
                "password_env": "MIRROR_PASSWORD",
            },
            **FAST,
        }
    )
    _crawl(store, tmp_path, source)
    docs = store.documents(source_id="intranet-mirror")
    paths = {d.url.removeprefix(sites["intranet"]) for d in docs}
    assert "/procedures/subside-lamal.html" in paths
    assert len([p for p in paths if p.startswith("/procedures/")]) >= 15
    assert {d.audience for d in docs} == {"professional"}
    assert "/login" not in paths


def test_basic_auth_intranet_is_crawled(
    sites: ServedSites, store: DocumentStore, tmp_path: Path
) -> None:
    source = SourceConfig.model_validate(
        {
            "name": "basic-mirror",
            "kind": "intranet",
            "start_urls": [sites.url("intranet-basic", "/")],
            "auth": {
                "method": "basic",
                "username_env": "MIRROR_USER",
                "password_env": "MIRROR_PASSWORD",
            },
            **FAST,
        }
    )
    _crawl(store, tmp_path, source)
    paths = {
        d.url.removeprefix(sites["intranet-basic"])
        for d in store.documents(source_id="basic-mirror")
    }
    assert "/conference-de-reseau.html" in paths
