"""The test server answers like real websites: pages, redirects, errors, caching, logins."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from permanence.testing.sites import (
    SITES_ROOT,
    ServedSites,
    SiteConfigError,
    query_slug,
    serve_sites,
    site_with_layout,
)

USER, PASSWORD = "pro", "test-password-not-a-secret"
CREDENTIALS = {"intranet": (USER, PASSWORD), "intranet-basic": (USER, PASSWORD)}


def _site(layout: str) -> str:
    return site_with_layout(layout)


@pytest.fixture(scope="module")
def sites() -> Iterator[ServedSites]:
    names = [
        "gsr",
        "intranet",
        "intranet-basic",
        _site("classic"),
        _site("grid"),
        _site("latin1"),
        _site("admin"),
    ]
    with serve_sites(*names, credentials=CREDENTIALS) as served:
        yield served


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(follow_redirects=False, timeout=10) as c:
        yield c


@pytest.mark.integration
def test_each_site_has_its_own_origin(sites: ServedSites) -> None:
    origins = list(sites.urls.values())
    assert len(set(origins)) == len(origins) == 7
    assert all(o.startswith("http://127.0.0.1:") for o in origins)


@pytest.mark.integration
def test_gsr_fiche_robots_and_sitemaps(sites: ServedSites, client: httpx.Client) -> None:
    fiche = client.get(sites.url("gsr", "/fiches/caritas-neuchatel.html"))
    assert fiche.status_code == 200
    assert fiche.headers["content-type"] == "text/html; charset=utf-8"
    assert fiche.headers["x-mirror"] == "gsr"
    assert 'data-institution-id="caritas-neuchatel"' in fiche.text
    assert (
        f'<link rel="canonical" href="{sites["gsr"]}/fiches/caritas-neuchatel.html">' in fiche.text
    )
    robots = client.get(sites.url("gsr", "/robots.txt"))
    assert robots.headers["content-type"] == "text/plain; charset=utf-8"
    assert "Disallow: /admin/\nDisallow: /search\n" in robots.text
    assert f"Sitemap: {sites['gsr']}/sitemap.xml" in robots.text
    index = client.get(sites.url("gsr", "/sitemap.xml"))
    assert index.headers["content-type"] == "application/xml; charset=utf-8"
    assert f"<loc>{sites['gsr']}/sitemaps/fiches.xml</loc>" in index.text
    fiches = client.get(sites.url("gsr", "/sitemaps/fiches.xml")).text
    assert f"<loc>{sites['gsr']}/fiches/caritas-neuchatel.html</loc><lastmod>" in fiches


@pytest.mark.integration
def test_gsr_search_pagination_and_noise(sites: ServedSites, client: httpx.Client) -> None:
    found = client.get(sites.url("gsr", "/search"), params={"q": "Subside LAMal"})
    assert found.status_code == 200
    assert "Résultats pour « subside LAMal »" in found.text
    missing = client.get(sites.url("gsr", "/search"), params={"q": "zzz introuvable"})
    assert missing.status_code == 200 and "<h1>Aucun résultat</h1>" in missing.text
    assert query_slug("Permis de séjour!") == "permis-de-sejour"
    page2 = client.get(sites.url("gsr", "/themes/aide-sociale/page-2.html"))
    assert page2.status_code == 200 and 'rel="prev" href="/themes/aide-sociale/"' in page2.text
    gone = client.get(sites.url("gsr", "/fiches/permanence-fermee-2025.html"))
    assert gone.status_code == 410
    assert client.get(sites.url("gsr", "/fiches/guide-des-aides-2019.html")).status_code == 404
    moved = client.get(sites.url("gsr", "/index.php"), params={"page": "guide"})
    assert (moved.status_code, moved.headers["location"]) == (301, "/")
    temporary = client.get(sites.url("gsr", "/guide/"))
    assert (temporary.status_code, temporary.headers["location"]) == (302, "/themes/")
    assert client.get(sites.url("gsr", "/themes")).headers["location"] == "/themes/"
    assert client.get(sites.url("gsr", "/_server.json")).status_code == 404
    assert client.get(sites.url("gsr", "/../README.md")).status_code == 404


@pytest.mark.integration
def test_conditional_requests_answer_304(sites: ServedSites, client: httpx.Client) -> None:
    url = sites.url("gsr", "/fiches/caritas-neuchatel.html")
    first = client.get(url)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert modified.endswith(" GMT")
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert (
        client.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code
        == 200
    )
    head = client.head(url)
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == etag


@pytest.mark.integration
def test_overrides_simulate_failures_and_changes(sites: ServedSites, client: httpx.Client) -> None:
    url = sites.url("gsr", "/a-propos.html")
    before = client.get(url).headers["etag"]
    sites.override("gsr", "/a-propos.html", status=503)
    assert client.get(url).status_code == 503
    sites.override("gsr", "/a-propos.html", body=b"<html><body>nouveau</body></html>")
    changed = client.get(url)
    assert changed.text == "<html><body>nouveau</body></html>" and changed.headers["etag"] != before
    sites.override("gsr", "/a-propos.html", status=429, headers={"Retry-After": "3"}, delay_s=0.2)
    started = time.monotonic()
    limited = client.get(url)
    assert (limited.status_code, limited.headers["retry-after"]) == (429, "3")
    assert time.monotonic() - started >= 0.2
    sites.override("gsr", "/a-propos.html", delay_s=0.1)
    slow = client.get(url)
    assert (slow.status_code, slow.headers["etag"]) == (200, before)
    sites.clear_overrides()
    assert client.get(url).headers["etag"] == before
    statuses = [r.status for r in sites.requests_for("gsr") if r.path == "/a-propos.html"]
    assert statuses[-6:] == [200, 503, 200, 429, 200, 200]


@pytest.mark.integration
def test_charsets_as_declared_and_misdeclared(sites: ServedSites, client: httpx.Client) -> None:
    right = client.get(sites.url(_site("latin1"), "/prestations.htm"))
    assert right.headers["content-type"] == "text/html; charset=iso-8859-1"
    assert right.encoding == "iso-8859-1" and "Prestations" in right.text
    wrong = client.get(sites.url(_site("grid"), "/a-propos/histoire.html"))
    assert wrong.headers["content-type"] == "text/html; charset=utf-8"
    with pytest.raises(UnicodeDecodeError):
        wrong.content.decode("utf-8")
    assert "Notre histoire" in wrong.content.decode("iso-8859-1")


@pytest.mark.integration
def test_institution_site_redirects_and_errors(sites: ServedSites, client: httpx.Client) -> None:
    admin = _site("admin")
    chain = client.get(sites.url(admin, "/ancien/"))
    assert (chain.status_code, chain.headers["location"]) == (301, "/Pages/default.aspx")
    with httpx.Client(follow_redirects=True, timeout=10) as follow:
        final = follow.get(sites.url(admin, "/ancien/"))
    assert final.status_code == 200 and str(final.url).endswith("/Pages/accueil.aspx")
    assert [r.status_code for r in final.history] == [301, 301]
    assert final.headers["content-type"] == "text/html; charset=utf-8"
    assert client.get(sites.url(admin, "/Documents/formulaire-2021.pdf")).status_code == 410
    assert client.get(sites.url(admin, "/Pages/archives.aspx")).status_code == 404
    classic = _site("classic")
    pdf = client.get(sites.url(classic, "/documents/brochure.pdf"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF-1.4")
    assert client.get(sites.url(classic, "/contact.php")).headers["location"] == "/contact.html"


@pytest.mark.integration
def test_form_login_flow(sites: ServedSites) -> None:
    page = "/procedures/subside-lamal.html"
    with httpx.Client(base_url=sites["intranet"], follow_redirects=False, timeout=10) as c:
        denied = c.get(page)
        assert (denied.status_code, denied.headers["location"]) == (
            302,
            "/login?next=/procedures/subside-lamal.html",
        )
        assert c.get("/robots.txt").status_code == 200
        form = c.get("/login")
        assert form.status_code == 200 and 'name="password"' in form.text
        bad = c.post("/login", data={"username": USER, "password": "wrong", "next": page})
        assert bad.status_code == 401 and "intranet_session" not in bad.cookies
        good = c.post("/login", data={"username": USER, "password": PASSWORD, "next": page})
        assert (good.status_code, good.headers["location"]) == (303, page)
        assert "intranet_session" in c.cookies
        inside = c.get(page)
        assert inside.status_code == 200 and "CONTENU FICTIF DE TEST" in inside.text
        assert c.post("/logout").status_code == 303
        assert c.get(page).status_code == 302


@pytest.mark.integration
def test_basic_auth(sites: ServedSites) -> None:
    url = sites.url("intranet-basic", "/")
    with httpx.Client(timeout=10) as c:
        anonymous = c.get(url)
        assert anonymous.status_code == 401
        assert (
            anonymous.headers["www-authenticate"]
            == 'Basic realm="Reseau partenaires", charset="UTF-8"'
        )
        assert c.get(url, auth=(USER, "wrong")).status_code == 401
        ok = c.get(url, auth=(USER, PASSWORD))
        assert ok.status_code == 200 and "Espace réseau" in ok.text


@pytest.mark.integration
def test_protected_site_without_credentials_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("MIRROR_BASIC_USER", raising=False)
    monkeypatch.delenv("MIRROR_BASIC_PASSWORD", raising=False)
    with pytest.raises(SiteConfigError, match="MIRROR_BASIC_USER"), serve_sites("intranet-basic"):
        pass
    with pytest.raises(SiteConfigError, match="no site folder"), serve_sites("nope"):
        pass


@pytest.mark.integration
def test_credentials_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MIRROR_BASIC_USER", "env-user")
    monkeypatch.setenv("MIRROR_BASIC_PASSWORD", "env-password")
    with serve_sites("intranet-basic") as served:
        assert (
            httpx.get(
                served.url("intranet-basic", "/"), auth=("env-user", "env-password")
            ).status_code
            == 200
        )


@pytest.mark.integration
def test_copy_with_mtime_dates_reports_edits(tmp_path: Path) -> None:
    root = tmp_path / "sites"
    shutil.copytree(SITES_ROOT / "gsr", root / "gsr")
    with serve_sites("gsr", root=root, last_modified="mtime") as served:
        url = served.url("gsr", "/a-propos.html")
        first = httpx.get(url)
        page = root / "gsr" / "a-propos.html"
        page.write_text("<html><body>modifié</body></html>", encoding="utf-8")
        later = int(page.stat().st_mtime) + 10
        os.utime(page, (later, later))
        again = httpx.get(url, headers={"If-Modified-Since": first.headers["last-modified"]})
        assert again.status_code == 200 and again.text == "<html><body>modifié</body></html>"
        page.unlink()
        assert httpx.get(url).status_code == 404


@pytest.mark.integration
def test_readme_example_runs() -> None:
    """The usage block of corpora/sites/README.md is real code."""
    readme = (SITES_ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {}
    exec(compile(block, "corpora/sites/README.md", "exec"), namespace)
    served = namespace["sites"]
    assert isinstance(served, ServedSites)
    assert served["intranet"].startswith("http://127.0.0.1:")


@pytest.mark.unit
def test_sites_are_found_by_layout() -> None:
    assert (SITES_ROOT / site_with_layout("latin1") / "prestations.htm").is_file()
    with pytest.raises(SiteConfigError, match="no site with layout 'nope'"):
        site_with_layout("nope")
