"""Headless Chromium for the front-end tests: Debian's chromium + chromedriver, never a download.

Selenium is pointed at ``/usr/bin/chromedriver`` explicitly, so Selenium Manager never runs
(it would try to fetch a driver). Every browser gets a fresh profile directory, so no language
choice or token leaks from one test into the next.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

__all__ = [
    "AXE_PATH",
    "CHROMEDRIVER",
    "CHROMIUM",
    "SCREENSHOTS",
    "BrowserFactory",
    "axe_violations",
    "chromium",
    "screenshot",
    "shadow_query",
    "shadow_query_all",
    "wait_for",
    "widget_active_element",
]

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE_PATH = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
#: What the ``browser`` fixture returns: ``with browser(languages="ar") as driver: ...``.
BrowserFactory = Callable[..., AbstractContextManager[WebDriver]]
#: Seconds to wait for an answer (retrieval on the tiny corpus takes 1-3 s on 2 cores).
ANSWER_TIMEOUT_S = 60.0

#: Chromium does not make headless windows narrower than this.
MIN_WINDOW_WIDTH = 500

_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
)


@contextmanager
def chromium(
    profile_dir: Path,
    *,
    languages: str = "fr-CH,fr",
    width: int = 1280,
    height: int = 900,
    microphone: Path | None = None,
) -> Iterator[WebDriver]:
    """A headless Chromium with the given Accept-Language and window size.

    ``microphone``: a WAV file the fake microphone plays once (else Chromium's beep).
    """
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in _FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_dir}")
    options.add_argument(f"--lang={languages.split(',')[0]}")
    options.add_argument(f"--window-size={width},{height}")
    if microphone is not None:
        options.add_argument(f"--use-file-for-fake-audio-capture={microphone}%noloop")
    options.add_experimental_option("prefs", {"intl.accept_languages": languages})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    if width < MIN_WINDOW_WIDTH:
        # Headless windows are never narrower than 500 px: emulate the phone's viewport instead.
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True},
        )
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver: WebDriver, condition: Any, timeout: float = ANSWER_TIMEOUT_S) -> Any:
    """Poll ``condition(driver)`` until it returns something truthy."""
    return WebDriverWait(driver, timeout, poll_frequency=0.1).until(condition)


def shadow_query(driver: WebDriver, selector: str) -> WebElement | None:
    """The first element matching ``selector`` inside the widget's shadow root."""
    found: WebElement | None = driver.execute_script(
        "const h = document.getElementById('permanence-widget');"
        "return h && h.shadowRoot ? h.shadowRoot.querySelector(arguments[0]) : null;",
        selector,
    )
    return found


def shadow_query_all(driver: WebDriver, selector: str) -> list[WebElement]:
    found: list[WebElement] = driver.execute_script(
        "const h = document.getElementById('permanence-widget');"
        "return h && h.shadowRoot ? Array.from(h.shadowRoot.querySelectorAll(arguments[0])) : [];",
        selector,
    )
    return found


def widget_active_element(driver: WebDriver) -> str:
    """``tag.class`` of the focused element, looking inside shadow roots."""
    description: str = driver.execute_script(
        "let el = document.activeElement;"
        "while (el && el.shadowRoot && el.shadowRoot.activeElement)"
        " el = el.shadowRoot.activeElement;"
        "return el ? el.tagName.toLowerCase() + '.' + (el.className || '') : '';"
    )
    return description


def screenshot(driver: WebDriver, name: str, *, full_page: bool = False) -> Path:
    """Save a PNG under test-artifacts/screenshots/ (git-ignored) and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if full_page:
        import base64

        shot = driver.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
        )
        path.write_bytes(base64.b64decode(shot["data"]))
    else:
        driver.save_screenshot(str(path))
    return path


def axe_violations(
    driver: WebDriver, *, impacts: tuple[str, ...] = ("serious", "critical")
) -> list[dict[str, Any]]:
    """Run axe-core (from node_modules) on the page, shadow DOM included; keep the given impacts."""
    driver.execute_script(AXE_PATH.read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    result: dict[str, Any] = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag',"
        "  values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        ".then(r => done({violations: r.violations}), e => done({error: String(e)}));"
    )
    if "error" in result:
        raise RuntimeError(f"axe-core failed: {result['error']}")
    kept = []
    for violation in result["violations"]:
        if violation.get("impact") in impacts:
            kept.append(
                {
                    "id": violation["id"],
                    "impact": violation["impact"],
                    "help": violation["help"],
                    "targets": [json.dumps(n["target"]) for n in violation["nodes"]][:5],
                }
            )
    return kept
