"""The citation page a browser opens from an answer: axe-core finds no serious issue (ar, de)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.frontend.browser import AXE_PATH, BrowserFactory, axe_violations, screenshot

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("de", "ltr")])
def test_institution_page_has_no_serious_violations(
    frontend_server: str, browser: BrowserFactory, lang: str, direction: str
) -> None:
    if not AXE_PATH.exists():
        pytest.fail(f"{AXE_PATH} is missing: run `npm ci` at the repository root")
    with browser(languages=f"{lang},fr;q=0.5") as driver:
        driver.get(f"{frontend_server}/v1/institutions/gsr-neuchatel")
        root = driver.find_element(By.TAG_NAME, "html")
        assert (root.get_attribute("lang"), root.get_attribute("dir")) == (lang, direction)
        phone = driver.find_element(By.CSS_SELECTOR, "a[href^='tel:'] bdi")
        assert phone.text == "+41 32 717 74 10"
        screenshot(driver, f"institution-page-{lang}", full_page=True)
        assert axe_violations(driver) == []
