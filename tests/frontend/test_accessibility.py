"""axe-core (from npm, injected into the page) finds no serious or critical WCAG 2.1 A/AA issue."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.frontend.browser import AXE_PATH, BrowserFactory, axe_violations, shadow_query, wait_for
from tests.frontend.intranet import PRO_TOKEN
from tests.frontend.test_pro_console import INTRANET_QUESTION, ask_console, open_console
from tests.frontend.widget_page import ask_widget, open_demo_page, widget_state

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _axe_installed() -> None:
    if not AXE_PATH.exists():
        pytest.fail(f"{AXE_PATH} is missing: run `npm ci` at the repository root")


def test_widget_states_have_no_serious_violations(
    frontend_server: str, browser: BrowserFactory
) -> None:
    with browser() as driver:
        open_demo_page(driver, frontend_server)
        assert axe_violations(driver) == [], "welcome state"
        ask_widget(driver, "Je cherche un test VIH anonyme à Neuchâtel")
        sources = shadow_query(driver, "article[data-kind] .pw-sources summary")
        assert sources is not None
        sources.click()
        privacy = shadow_query(driver, ".pw-privacy summary")
        assert privacy is not None
        privacy.click()
        assert axe_violations(driver) == [], "answer with sources and privacy notice open"
        ask_widget(driver, "Je veux me suicider ce soir")
        assert axe_violations(driver) == [], "emergency banner"
        select = shadow_query(driver, "select.pw-lang")
        assert select is not None
        Select(select).select_by_value("fa")
        wait_for(driver, lambda d: widget_state(d)["dir"] == "rtl", timeout=10)
        assert axe_violations(driver) == [], "persian, right to left"


def test_widget_on_a_phone_has_no_serious_violations(
    frontend_server: str, browser: BrowserFactory
) -> None:
    with browser(width=360, height=740) as driver:
        open_demo_page(driver, frontend_server)
        ask_widget(driver, "Je cherche un test VIH anonyme à Neuchâtel")
        assert axe_violations(driver) == []


def test_pro_console_has_no_serious_violations(
    frontend_server: str, browser: BrowserFactory
) -> None:
    with browser() as driver:
        open_console(driver, frontend_server)
        assert axe_violations(driver) == [], "signed out"
        driver.find_element(By.ID, "token").send_keys(PRO_TOKEN)
        driver.find_element(By.CSS_SELECTOR, "#signin button").click()
        wait_for(driver, lambda d: d.find_element(By.ID, "signed-in").is_displayed())
        ask_console(driver, INTRANET_QUESTION)
        driver.find_element(By.CSS_SELECTOR, "#answer .pro-open").click()
        wait_for(driver, lambda d: d.find_element(By.ID, "detail").is_displayed(), timeout=10)
        assert axe_violations(driver) == [], "signed in, answer and fiche shown"
