"""The data steward's page (/pro/facts) in headless Chromium against the real API.

The API of :mod:`tests.assistant_api.facts_server` (two test sites crawled and refreshed, a
corpus copy the accepts write into): the steward signs in, sees the proposals and the
stewardship view, accepts one, rejects one with a reason, and the record file changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from assistant_api.runtime import AssistantRuntime
from permanence.settings import Settings
from tests.assistant_api.facts_server import AVS, LIGUE, STEWARD, Api, steward_api
from tests.frontend.browser import AXE_PATH, BrowserFactory, axe_violations, screenshot, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def api(
    tmp_path_factory: pytest.TempPathFactory,
    tiny_settings: Settings,
    tiny_runtime: AssistantRuntime,
) -> Iterator[Api]:
    with steward_api(tmp_path_factory.mktemp("steward-ui"), tiny_settings, tiny_runtime) as api:
        yield api


def _rows(driver: WebDriver) -> dict[tuple[str, str, str], str]:
    """(institution, field, status) → proposal id, as the page lists them."""
    rows: list[dict[str, str]] = driver.execute_script(
        "return Array.from(document.querySelectorAll('#proposals .pro-proposal')).map(li => ({"
        " id: li.dataset.id, field: li.dataset.field, status: li.dataset.status,"
        " inst: li.querySelector('strong').textContent}));"
    )
    return {(r["inst"], r["field"], r["status"]): r["id"] for r in rows}


def _sign_in(driver: WebDriver, api: Api, token: str) -> None:
    driver.get(f"{api.url}/pro/facts")
    wait_for(driver, lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready"))
    driver.find_element(By.ID, "token").send_keys(token)
    driver.find_element(By.CSS_SELECTOR, "#signin button").click()


def test_steward_reviews_proposals_in_the_page(api: Api, browser: BrowserFactory) -> None:
    with browser() as driver:
        _sign_in(driver, api, "not-the-steward-token-at-all")
        wait_for(driver, lambda d: d.find_element(By.ID, "auth-status").text.startswith("Jeton"))
        assert not driver.find_element(By.ID, "signed-in").is_displayed()

        _sign_in(driver, api, STEWARD)
        wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#proposals .pro-proposal"))
        wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#worst .pro-steward-row"))
        rows = _rows(driver)
        assert {(LIGUE, "email", "new"), (AVS, "phone", "contradicted")} <= set(rows)
        worst = driver.find_element(By.CSS_SELECTOR, f'#worst [data-id="{AVS}"]')
        assert (
            worst.find_element(By.CSS_SELECTOR, '[data-field="hours"]').get_attribute("data-age")
            == "missing"
        )
        if AXE_PATH.exists():
            assert axe_violations(driver) == [], "signed in, proposals and stewardship listed"
        screenshot(driver, "pro-facts", full_page=True)

        # Accepting without a name is refused by the page itself.
        email = rows[(LIGUE, "email", "new")]
        item = driver.find_element(By.CSS_SELECTOR, f'#proposals [data-id="{email}"]')
        item.find_element(By.CSS_SELECTOR, ".pro-accept").click()
        assert "votre nom" in driver.find_element(By.ID, "review-status").text
        assert api.record(LIGUE)["emails"] == []

        driver.find_element(By.ID, "reviewer").send_keys("A. Steward")
        item.find_element(By.CSS_SELECTOR, ".pro-accept").click()
        wait_for(driver, lambda d: "acceptée" in d.find_element(By.ID, "review-status").text)
        record = api.record(LIGUE)
        assert record["emails"] == ["LNCC@ne.ch"]
        assert record["assured"]["emails"]["assured_by"] == "A. Steward"
        assert record["assured"]["emails"]["assured_date"] == date.today()
        wait_for(driver, lambda d: (LIGUE, "email", "new") not in _rows(d))

        phone = _rows(driver)[(AVS, "phone", "contradicted")]
        item = driver.find_element(By.CSS_SELECTOR, f'#proposals [data-id="{phone}"]')
        item.find_element(By.CSS_SELECTOR, ".pro-reason").send_keys("numéro d'un autre service")
        before = (api.corpus / f"{AVS}.yaml").read_text("utf-8")
        item.find_element(By.CSS_SELECTOR, ".pro-reject").click()
        wait_for(driver, lambda d: "refusée" in d.find_element(By.ID, "review-status").text)
        assert (api.corpus / f"{AVS}.yaml").read_text("utf-8") == before
        rejected = api.get("/v1/facts/proposals", decision="rejected").json()["proposals"]
        assert [(p["id"], p["reason"]) for p in rejected] == [
            (int(phone), "numéro d'un autre service")
        ]


def test_the_page_holds_no_inline_code(api: Api) -> None:
    """The strict CSP forbids inline scripts and styles: the page must not need them."""
    page = (Path(__file__).resolve().parents[2] / "assistant_api/static/pro-facts.html").read_text()
    assert "<script>" not in page and "style=" not in page and "onclick" not in page
