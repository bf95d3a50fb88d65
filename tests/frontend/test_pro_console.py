"""The referral console (/pro) in headless Chromium against the real API."""

from __future__ import annotations

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.frontend.browser import BrowserFactory, screenshot, wait_for
from tests.frontend.intranet import INTRANET_TITLE, INTRANET_URL, PRO_TOKEN

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SEARCH_WORDS = "dettes et factures impayées"
INTRANET_QUESTION = "Procédure interne de signalement d'un enfant maltraité"


def open_console(driver: WebDriver, base_url: str) -> None:
    driver.get(f"{base_url}/pro")
    wait_for(
        driver,
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true",
        timeout=30,
    )


def ask_console(driver: WebDriver, question: str) -> list[dict[str, str]]:
    """Ask in the console; return the listed sources (href, audience, badge text)."""
    status = driver.find_element(By.ID, "ask-status")
    box = driver.find_element(By.ID, "question")
    box.clear()
    box.send_keys(question)
    driver.execute_script("document.getElementById('ask-status').textContent = ''")
    driver.find_element(By.CSS_SELECTOR, "#ask button[type=submit]").click()
    wait_for(driver, lambda d: status.text.startswith(("Réponse reçue", "La question", "Jeton")))
    sources: list[dict[str, str]] = driver.execute_script(
        "return Array.from(document.querySelectorAll('#answer .pro-sources li')).map(li => ({"
        " href: li.querySelector('a') ? li.querySelector('a').href : '',"
        " audience: li.getAttribute('data-audience'),"
        " badge: li.querySelector('.pro-badge-internal')"
        "  ? li.querySelector('.pro-badge-internal').textContent : ''}));"
    )
    return sources


def session_token(driver: WebDriver) -> str | None:
    token: str | None = driver.execute_script(
        "return sessionStorage.getItem('permanence.proToken')"
    )
    return token


def test_intranet_sources_hidden_without_token_and_marked_with_one(
    frontend_server: str, browser: BrowserFactory
) -> None:
    with browser() as driver:
        open_console(driver, frontend_server)
        assert driver.find_element(By.ID, "signin").is_displayed()
        public = ask_console(driver, INTRANET_QUESTION)
        assert public, "the public answer cites sources"
        assert INTRANET_URL not in [s["href"] for s in public]
        assert {s["audience"] for s in public} == {"public"}
        assert [s["badge"] for s in public if s["badge"]] == []
        assert INTRANET_TITLE not in driver.find_element(By.ID, "answer").text
        screenshot(driver, "pro-public", full_page=True)

        driver.find_element(By.ID, "token").send_keys(PRO_TOKEN)
        driver.find_element(By.CSS_SELECTOR, "#signin button").click()
        wait_for(driver, lambda d: d.find_element(By.ID, "signed-in").is_displayed())
        assert session_token(driver) == PRO_TOKEN
        internal = ask_console(driver, INTRANET_QUESTION)
        by_url = {s["href"]: s for s in internal}
        assert by_url[INTRANET_URL] == {
            "href": INTRANET_URL,
            "audience": "professional",
            "badge": "interne",
        }
        assert [s["href"] for s in internal if s["badge"]] == [INTRANET_URL]
        screenshot(driver, "pro-signed-in", full_page=True)

        driver.find_element(By.ID, "signout").click()
        assert session_token(driver) is None
        assert driver.find_element(By.ID, "signin").is_displayed()


def test_a_wrong_token_is_refused_at_sign_in(frontend_server: str, browser: BrowserFactory) -> None:
    """The console checks the token with GET /v1/session before showing "connected"."""
    with browser() as driver:
        open_console(driver, frontend_server)
        driver.find_element(By.ID, "token").send_keys("not-a-valid-token-at-all")
        driver.find_element(By.CSS_SELECTOR, "#signin button").click()
        wait_for(
            driver,
            lambda d: d.find_element(By.ID, "auth-status").text.startswith("Jeton refusé"),
        )
        assert session_token(driver) is None
        assert driver.find_element(By.ID, "signin").is_displayed()
        assert not driver.find_element(By.ID, "signed-in").is_displayed()
        # Without a token, answers stay public.
        public = ask_console(driver, INTRANET_QUESTION)
        assert INTRANET_URL not in [s["href"] for s in public]


def test_a_token_revoked_during_the_session_signs_out(
    frontend_server: str, browser: BrowserFactory
) -> None:
    """A token that passed sign-in but is refused later (revoked) signs the console out."""
    with browser() as driver:
        open_console(driver, frontend_server)
        driver.execute_script(
            "sessionStorage.setItem('permanence.proToken', 'revoked-token-of-some-length')"
        )
        assert ask_console(driver, INTRANET_QUESTION) == []
        assert session_token(driver) is None
        assert driver.find_element(By.ID, "auth-status").text.startswith("Jeton refusé")


def test_search_detail_copy_and_print(frontend_server: str, browser: BrowserFactory) -> None:
    with browser() as driver:
        open_console(driver, frontend_server)
        categories = [
            o.get_attribute("value")
            for o in driver.find_elements(By.CSS_SELECTOR, "#category option")
        ]
        assert categories[0] == ""
        assert "finances_dettes" in categories
        driver.find_element(By.ID, "q").send_keys(SEARCH_WORDS)
        driver.find_element(By.CSS_SELECTOR, "#search button").click()
        wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#results .pro-open"))
        listing = httpx.get(
            f"{frontend_server}/v1/institutions", params={"q": SEARCH_WORDS}, timeout=10
        )
        if listing.status_code == 200:  # else the console falls back to asking the assistant
            shown = [
                li.get_attribute("data-id")
                for li in driver.find_elements(By.CSS_SELECTOR, "#results .pro-result")
            ]
            assert shown == [r["id"] for r in listing.json()["results"]]
        first = driver.find_element(By.CSS_SELECTOR, "#results .pro-open")
        institution_id = first.get_attribute("data-id")
        record = httpx.get(f"{frontend_server}/v1/institutions/{institution_id}", timeout=10).json()
        first.click()
        detail = driver.find_element(By.ID, "detail")
        wait_for(driver, lambda d: detail.is_displayed(), timeout=10)
        assert driver.find_element(By.ID, "detail-title").text == record["name"]
        fields = {
            dd.get_attribute("data-field"): dd
            for dd in driver.find_elements(By.CSS_SELECTOR, "#detail-body dd")
        }
        assert fields["last_verified"].text == record["last_verified"]
        filled = {
            k
            for k, v in record.items()
            if v not in (None, [], "", {})
            and k not in {"sources", "provenance", "unconfirmed", "assured"}
        }
        assert set(fields) == filled
        for field in {"locations", "phones", "emails", "website", "hours"} & set(fields):
            dated = fields[field].find_element(By.CSS_SELECTOR, ".pro-assured")
            assured = record["assured"].get(field)
            assert dated.get_attribute("data-assured") == (
                assured["assured_date"] if assured else "unknown"
            )
        for field, urls in record["provenance"].items():
            links = fields[field].find_elements(By.CSS_SELECTOR, ".pro-provenance a")
            assert [a.get_attribute("href") for a in links] == urls
            assert [a.text for a in links] == [str(record["sources"].index(u) + 1) for u in urls]
        for field in record["unconfirmed"]:
            assert fields[field].find_elements(By.CSS_SELECTOR, ".pro-unconfirmed")
        listed = [
            a.get_attribute("href")
            for a in driver.find_elements(By.CSS_SELECTOR, "#detail-body > .pro-sources a")
        ]
        assert listed == record["sources"]

        summary = driver.find_element(By.ID, "summary").get_attribute("value") or ""
        assert summary.startswith(f"Orientation vers : {record['name']}")
        for phone in record["phones"]:
            assert phone["number"] in summary
        assert f"Fiche écrite le {record['last_verified']}" in summary
        screenshot(driver, "pro-detail", full_page=True)

        driver.execute_cdp_cmd(
            "Browser.grantPermissions",
            {
                "origin": frontend_server,
                "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"],
            },
        )
        driver.find_element(By.ID, "copy").click()
        status = driver.find_element(By.ID, "detail-status")
        wait_for(driver, lambda d: status.text != "", timeout=10)
        assert status.text == "Résumé copié dans le presse-papiers."
        driver.set_script_timeout(10)
        copied = driver.execute_async_script(
            "const done = arguments[0];"
            "navigator.clipboard.readText().then(done, e => done('ERR ' + e));"
        )
        assert copied == summary

        # Print view: only the fiche.
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        assert not driver.find_element(By.CSS_SELECTOR, ".pro-header").is_displayed()
        assert not driver.find_element(By.ID, "ask").is_displayed()
        assert driver.find_element(By.ID, "detail-body").is_displayed()
        printed = driver.find_element(By.ID, "summary-print")
        assert printed.is_displayed()
        assert printed.get_attribute("textContent") == summary
        screenshot(driver, "pro-print-view", full_page=True)
