"""The emergency banner (issue 18): closable, only for the answer that raised it, numbers kept.

Real Chromium against the real API on the tiny corpus. The questions are checked with
``POST /v1/ask`` first, so a ranking change cannot make these tests pass or fail by accident.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from tests.frontend.browser import (
    AXE_PATH,
    BrowserFactory,
    axe_violations,
    screenshot,
    shadow_query,
    shadow_query_all,
    wait_for,
    widget_active_element,
)
from tests.frontend.test_widget import (
    EMERGENCY_QUESTION,
    ORIENTATION_QUESTION,
    api_answer,
    strings,
)
from tests.frontend.widget_page import ask_widget, open_demo_page

pytestmark = [pytest.mark.integration, pytest.mark.slow]

#: "I want to kill myself tonight, I cannot go on" (written by the team, not by a native speaker).
ARABIC_EMERGENCY = "أريد أن أنتحر الليلة، لا أستطيع الاستمرار"
#: A second, different emergency in the same conversation.
MEDICAL_EMERGENCY = "Mon voisin vient de s'effondrer dans l'escalier, il ne respire plus"
#: Tab presses allowed to reach the banner's close button from the question box.
MAX_TABS = 40


def _tab_to(driver: WebDriver, css_class: str) -> bool:
    """Press Tab (then Shift+Tab) until the focused element has ``css_class``."""
    for key in (Keys.TAB, Keys.SHIFT + Keys.TAB):
        for _ in range(MAX_TABS):
            if css_class in widget_active_element(driver):
                return True
            driver.switch_to.active_element.send_keys(key)
    return css_class in widget_active_element(driver)


def test_banner_closes_with_the_keyboard_and_numbers_stay_reachable(
    frontend_server: str, browser: BrowserFactory
) -> None:
    expected = api_answer(frontend_server, EMERGENCY_QUESTION)
    assert expected["kind"] == "emergency"
    numbers = [str(n["number"]) for n in expected["emergency_numbers"]]
    french = strings("fr")
    with browser() as driver:
        open_demo_page(driver, frontend_server)
        ask_widget(driver, EMERGENCY_QUESTION)
        banner = shadow_query(driver, ".pw-emergency")
        assert banner is not None and banner.is_displayed()
        line = shadow_query(driver, ".pw-urgent")
        assert line is not None and not line.is_displayed()
        close = shadow_query(driver, ".pw-emergency button.pw-emergency-close")
        assert close is not None
        assert close.tag_name == "button" and close.get_attribute("type") == "button"
        assert close.get_attribute("aria-label") == french["emergency_close"]
        if AXE_PATH.exists():
            assert axe_violations(driver) == [], "banner with its close button"
        screenshot(driver, "widget-emergency-closable")

        assert _tab_to(driver, "pw-emergency-close"), "the close button is keyboard reachable"
        driver.switch_to.active_element.send_keys(Keys.ENTER)
        wait_for(driver, lambda d: not banner.is_displayed(), timeout=5)
        assert line.is_displayed()
        calls = [a.get_attribute("href") for a in shadow_query_all(driver, ".pw-urgent a")]
        assert calls == [f"tel:{n}" for n in numbers]
        # Focus is not lost with the button: it lands on the first emergency number.
        assert "pw-urgent-call" in widget_active_element(driver)
        # The emergency answer itself stays in the conversation.
        assert shadow_query(driver, "article[data-kind='emergency']") is not None
        if AXE_PATH.exists():
            assert axe_violations(driver) == [], "banner closed"
        screenshot(driver, "widget-emergency-closed")


def test_banner_is_only_for_the_answer_that_raised_it(
    frontend_server: str, browser: BrowserFactory
) -> None:
    assert api_answer(frontend_server, ORIENTATION_QUESTION)["kind"] != "emergency"
    assert api_answer(frontend_server, MEDICAL_EMERGENCY)["kind"] == "emergency"
    with browser() as driver:
        open_demo_page(driver, frontend_server)
        banner = shadow_query(driver, ".pw-emergency")
        line = shadow_query(driver, ".pw-urgent")
        assert banner is not None and line is not None
        # Before any emergency: no banner, the general numbers in the small line.
        assert not banner.is_displayed() and line.is_displayed()
        assert [a.text for a in shadow_query_all(driver, ".pw-urgent a")] == ["144", "117"]
        first = ask_widget(driver, EMERGENCY_QUESTION)
        assert banner.is_displayed()
        assert banner.get_attribute("data-answer") == first.get_attribute("id")
        ask_widget(driver, ORIENTATION_QUESTION)
        assert not banner.is_displayed()
        assert line.is_displayed()
        # A new emergency brings it back, for that answer.
        again = ask_widget(driver, MEDICAL_EMERGENCY)
        assert again.get_attribute("data-kind") == "emergency"
        assert banner.is_displayed()
        assert banner.get_attribute("data-answer") == again.get_attribute("id")
        assert again.get_attribute("id") != first.get_attribute("id")


def test_arabic_banner_is_right_to_left_with_an_arabic_close_label(
    frontend_server: str, browser: BrowserFactory
) -> None:
    expected = api_answer(frontend_server, ARABIC_EMERGENCY)
    assert (expected["kind"], expected["language"]) == ("emergency", "ar")
    arabic = strings("ar")
    with browser(languages="ar") as driver:
        open_demo_page(driver, frontend_server)
        ask_widget(driver, ARABIC_EMERGENCY)
        banner = shadow_query(driver, ".pw-emergency")
        close = shadow_query(driver, ".pw-emergency-close")
        assert banner is not None and close is not None and banner.is_displayed()
        assert close.get_attribute("aria-label") == arabic["emergency_close"]
        direction = driver.execute_script(
            "return getComputedStyle(arguments[0]).direction;", banner
        )
        assert direction == "rtl"
        # Right to left: the close button sits at the banner's left end.
        assert close.rect["x"] < banner.rect["x"] + banner.rect["width"] / 2
        screenshot(driver, "widget-emergency-ar")
        close.click()
        wait_for(driver, lambda d: not banner.is_displayed(), timeout=5)
        label = shadow_query(driver, ".pw-urgent-label")
        assert label is not None and label.text == arabic["emergency_short"]
        screenshot(driver, "widget-emergency-ar-closed")
