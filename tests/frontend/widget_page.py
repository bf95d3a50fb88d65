"""Driving the citizen widget on the demo page: open it, ask, read what it shows."""

from __future__ import annotations

from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

from tests.frontend.browser import shadow_query, shadow_query_all, wait_for

__all__ = ["ask_widget", "open_demo_page", "widget_state"]


def open_demo_page(driver: WebDriver, base_url: str) -> None:
    """Load ``/`` and wait until the widget has mounted, loaded its strings and probed the API."""
    driver.get(f"{base_url}/")
    wait_for(
        driver,
        lambda d: d.execute_script(
            "const h = document.getElementById('permanence-widget');"
            "return h && h.getAttribute('data-ready') === 'true';"
        ),
        timeout=30,
    )


def ask_widget(driver: WebDriver, question: str) -> WebElement:
    """Type ``question``, press Enter, and return the finished answer article."""
    before = len(shadow_query_all(driver, "article[data-kind]"))
    box = shadow_query(driver, "textarea.pw-input")
    assert box is not None
    box.send_keys(question)
    box.send_keys(Keys.ENTER)
    wait_for(driver, lambda d: len(shadow_query_all(d, "article[data-kind]")) > before)
    return shadow_query_all(driver, "article[data-kind]")[-1]


def widget_state(driver: WebDriver) -> dict[str, str]:
    """The interface language, direction and title currently shown."""
    state: dict[str, str] = driver.execute_script(
        "const r = document.getElementById('permanence-widget').shadowRoot;"
        "const root = r.querySelector('.pw-root');"
        "return {lang: root.getAttribute('lang'), dir: root.getAttribute('dir'),"
        " title: r.querySelector('.pw-title').textContent,"
        " direction: getComputedStyle(r.querySelector('.pw-panel')).direction};"
    )
    return state
