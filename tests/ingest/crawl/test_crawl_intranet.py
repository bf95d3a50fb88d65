"""Intranets: form login with a session cookie, HTTP basic, bearer; wrong credentials store nothing.

Credentials come from environment variables named in the source; a test passes its own ``env``
mapping, and checks that the secret appears in no log line and no report.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from ingest.crawl import Crawler, SourceConfig
from ingest.errors import AuthError, SourceConfigError
from ingest.extract import Extractor
from ingest.store import DocumentStore
from tests.ingest.crawl.conftest import FaultSite, fast_source
from tests.ingest.crawl.faultsite import BEARER_TOKEN, INTRANET_PASSWORD, INTRANET_USER

pytestmark = pytest.mark.integration


def NO_ID() -> Extractor:  # upper case: reads like a constant at the call sites
    return Extractor(identify_language=False)


GOOD_ENV = {
    "INTRA_USER": INTRANET_USER,
    "INTRA_PASSWORD": INTRANET_PASSWORD,
    "INTRA_TOKEN": BEARER_TOKEN,
}
WRONG_PASSWORD = "not-the-password-9d8c7b"


def form_source(site: FaultSite) -> SourceConfig:
    return fast_source(
        "intra-form",
        [site.url("/intra/a")],
        kind="intranet",
        allowed_prefixes=["/intra"],
        auth={
            "method": "form",
            "login_url": site.url("/intra/login"),
            "username_env": "INTRA_USER",
            "password_env": "INTRA_PASSWORD",
        },
    )


def basic_source(site: FaultSite) -> SourceConfig:
    return fast_source(
        "intra-basic",
        [site.url("/basic/a")],
        kind="intranet",
        allowed_prefixes=["/basic"],
        auth={"method": "basic", "username_env": "INTRA_USER", "password_env": "INTRA_PASSWORD"},
    )


def bearer_source(site: FaultSite) -> SourceConfig:
    return fast_source(
        "intra-bearer",
        [site.url("/bearer/a")],
        kind="intranet",
        allowed_prefixes=["/bearer"],
        auth={"method": "bearer", "token_env": "INTRA_TOKEN"},
    )


@pytest.mark.parametrize(
    ("make_source", "expected"),
    [
        pytest.param(form_source, {"/intra/a", "/intra/b"}, id="form-login"),
        pytest.param(basic_source, {"/basic/a", "/basic/b"}, id="http-basic"),
        pytest.param(bearer_source, {"/bearer/a"}, id="bearer-token"),
    ],
)
def test_each_login_method_opens_the_intranet(
    fault_site: FaultSite,
    store: DocumentStore,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    make_source: object,
    expected: set[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    source = make_source(fault_site)  # type: ignore[operator]
    report = asyncio.run(
        Crawler(store, reports_dir=tmp_path, extractor=NO_ID(), env=GOOD_ENV).crawl(source)
    )
    stored = {d.url.removeprefix(fault_site.origin) for d in store.documents()}
    assert stored == expected
    assert {d.audience for d in store.documents()} == {"professional"}
    assert {d.kind for d in store.documents()} == {"intranet"}
    assert report.complete is True
    written = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.json"))
    for secret in (INTRANET_PASSWORD, BEARER_TOKEN):
        assert secret not in caplog.text
        assert secret not in written
        assert secret not in repr(source.credentials(GOOD_ENV))


@pytest.mark.parametrize(
    "make_source",
    [pytest.param(form_source, id="form-login"), pytest.param(basic_source, id="http-basic")],
)
def test_wrong_password_is_a_clear_error_and_stores_nothing(
    fault_site: FaultSite,
    store: DocumentStore,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    make_source: object,
) -> None:
    caplog.set_level(logging.DEBUG)
    env = {**GOOD_ENV, "INTRA_PASSWORD": WRONG_PASSWORD}
    source = make_source(fault_site)  # type: ignore[operator]
    crawler = Crawler(store, reports_dir=tmp_path, extractor=NO_ID(), env=env)
    with pytest.raises(AuthError) as raised:
        asyncio.run(crawler.crawl(source))
    message = str(raised.value)
    assert "INTRA_USER, INTRA_PASSWORD" in message
    assert WRONG_PASSWORD not in message
    assert WRONG_PASSWORD not in caplog.text
    assert store.count(status=None) == 0
    reports = list(tmp_path.glob("*.json"))
    assert len(reports) == 1
    assert WRONG_PASSWORD not in reports[0].read_text(encoding="utf-8")
    assert message in reports[0].read_text(encoding="utf-8")


def test_wrong_bearer_token_is_refused(
    fault_site: FaultSite, store: DocumentStore, tmp_path: Path
) -> None:
    crawler = Crawler(
        store, reports_dir=tmp_path, extractor=NO_ID(), env={"INTRA_TOKEN": "wrong-token-123456"}
    )
    with pytest.raises(AuthError, match="answered HTTP 403"):
        asyncio.run(crawler.crawl(bearer_source(fault_site)))
    assert store.count(status=None) == 0


def test_missing_credential_variable_names_it(
    fault_site: FaultSite, store: DocumentStore, tmp_path: Path
) -> None:
    crawler = Crawler(
        store, reports_dir=tmp_path, extractor=NO_ID(), env={"INTRA_USER": INTRANET_USER}
    )
    with pytest.raises(SourceConfigError, match="environment variable INTRA_PASSWORD is not set"):
        asyncio.run(crawler.crawl(form_source(fault_site)))
    assert fault_site.state.hits == {}


def test_login_page_is_never_stored_when_the_session_is_lost(
    fault_site: FaultSite, store: DocumentStore, tmp_path: Path
) -> None:
    def expire_sessions(source: str, url: str, outcome: str) -> None:
        fault_site.state.sessions.clear()  # the server forgets every session after one page

    crawler = Crawler(
        store, reports_dir=tmp_path, extractor=NO_ID(), env=GOOD_ENV, on_outcome=expire_sessions
    )
    report = asyncio.run(crawler.crawl(form_source(fault_site)))
    assert [(u.url.removeprefix(fault_site.origin), u.outcome) for u in report.urls] == [
        ("/intra/a", "new"),
        ("/intra/b", "auth_error"),
    ]
    assert [d.url.removeprefix(fault_site.origin) for d in store.documents()] == ["/intra/a"]
    assert report.complete is False
