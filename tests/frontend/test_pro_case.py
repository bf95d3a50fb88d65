"""The referral case of the console (/pro): follow-ups in one conversation, one summary for all.

A professional asks about a person's need, keeps an institution, answers where the person
lives ("j'habite à Cernier") and keeps the door the answer gives for the earlier need; the
summary then covers both questions. Everything runs for real: the API on 127.0.0.1, the tiny
corpus, headless Chromium. The page's requests are recorded by wrapping ``fetch`` in the page,
so the test sees exactly what the console sent and what the server answered.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from tests.frontend.browser import BrowserFactory, axe_violations, screenshot, wait_for
from tests.frontend.intranet import PRO_TOKEN
from tests.frontend.test_pro_console import open_console

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PRO = {"Authorization": f"Bearer {PRO_TOKEN}"}
NEED = "je n'ai plus d'argent pour manger ce mois-ci"
FOLLOW_UP = "j'habite à Cernier"
#: The commune Cernier belongs to, and its social counter (tests/resources/tiny_corpus).
COMMUNE = "Val-de-Ruz"
COUNTER = "gsr-val-de-ruz"

#: Records every fetch of the page: method, URL, JSON body sent, status and JSON received.
RECORDER = """
window.__sent = [];
const original = window.fetch;
window.fetch = function (url, init) {
  const entry = {method: (init && init.method) || 'GET', url: String(url),
                 body: init && init.body ? JSON.parse(init.body) : null, status: null, json: null};
  window.__sent.push(entry);
  return original.apply(this, arguments).then(res => {
    entry.status = res.status;
    if (String(url).indexOf('/v1/ask') >= 0) {
      res.clone().json().then(j => { entry.json = j; }, () => { entry.json = {}; });
    } else { entry.json = {}; }
    return res;
  });
};
"""


def sent(driver: WebDriver, method: str, fragment: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = driver.execute_script("return window.__sent")
    return [e for e in entries if e["method"] == method and fragment in e["url"]]


def sign_in(driver: WebDriver) -> None:
    driver.find_element(By.ID, "token").send_keys(PRO_TOKEN)
    driver.find_element(By.CSS_SELECTOR, "#signin button").click()
    wait_for(driver, lambda d: d.find_element(By.ID, "signed-in").is_displayed(), timeout=10)


def ask(driver: WebDriver, question: str) -> dict[str, Any]:
    """Ask in the console; return the request it sent and the answer it got."""
    before = len(sent(driver, "POST", "/v1/ask"))
    box = driver.find_element(By.ID, "question")
    box.clear()
    box.send_keys(question)
    driver.find_element(By.CSS_SELECTOR, "#ask button[type=submit]").click()
    asked = wait_for(
        driver,
        lambda d: [e for e in sent(d, "POST", "/v1/ask")[before:] if e["json"] is not None],
    )
    status = driver.find_element(By.ID, "ask-status")
    wait_for(driver, lambda d: status.text.startswith("Réponse reçue"))
    entry: dict[str, Any] = asked[0]
    assert entry["status"] == 200, entry
    return entry


def keep_button(driver: WebDriver, institution_id: str) -> Any:
    return driver.find_element(By.CSS_SELECTOR, f"#answer .pro-keep[data-id='{institution_id}']")


def case_panel(driver: WebDriver) -> list[dict[str, Any]]:
    """The needs listed in the case panel, with the names of the institutions kept."""
    needs: list[dict[str, Any]] = driver.execute_script(
        "return Array.from(document.querySelectorAll('#case-needs > li')).map(li => ({"
        " question: li.querySelector('.pro-need-q').textContent,"
        " kept: Array.from(li.querySelectorAll('.pro-kept > li')).map(k => k.dataset.id)}));"
    )
    return needs


def summary_text(driver: WebDriver) -> str:
    """The case summary, once the files of the institutions kept have been read."""
    wait_for(
        driver,
        lambda d: not d.find_elements(By.CSS_SELECTOR, "#case-needs [data-details=pending]"),
        timeout=10,
    )
    return driver.find_element(By.ID, "case-summary").get_attribute("value") or ""


def assert_card_in_summary(
    server: str, card: dict[str, Any], citations: list[dict[str, Any]], text: str
) -> None:
    """Everything the answer showed to reach the institution is in the summary, with how to
    apply and the date of its file."""
    record = httpx.get(f"{server}/v1/institutions/{card['id']}", timeout=10).json()
    assert f"Fiche de l'institution écrite le {record['last_verified']}" in text
    if record["application"]:
        assert record["application"] in text
    assert card["name"] in text
    assert card["why"] in text
    for phone in card["phones"]:
        assert phone in text
    for email in card["emails"]:
        assert email in text
    for field in ("address", "website", "hours", "note"):
        if card[field]:
            assert card[field] in text, field
    by_n = {c["n"]: c for c in citations}
    for n in card["citations"]:
        cited = by_n[n]
        assert urljoin(f"{server}/", cited["url"]) in text
        assert f"relevée le {cited['fetched_at'][:10]}" in text


def test_a_case_keeps_follow_ups_and_summarises_every_need(
    frontend_server: str, browser: BrowserFactory
) -> None:
    with browser() as driver:
        open_console(driver, frontend_server)
        sign_in(driver)
        driver.execute_script(RECORDER)
        assert not driver.find_element(By.ID, "case-actions").is_displayed()

        first = ask(driver, NEED)
        assert first["body"]["conversation_id"] is None  # a new case opens a conversation
        answer = first["json"]
        conversation = answer["conversation_id"]
        assert conversation
        assert answer["institutions"], "the need gets at least one door"
        kept_first = answer["institutions"][0]
        keep_button(driver, kept_first["id"]).click()
        assert keep_button(driver, kept_first["id"]).text == "Retirer du dossier"
        assert case_panel(driver) == [{"question": NEED, "kept": [kept_first["id"]]}]

        second = ask(driver, FOLLOW_UP)
        assert second["body"]["conversation_id"] == conversation
        follow = second["json"]
        assert follow["conversation_id"] == conversation
        # About the earlier need, for Cernier's commune: its social counter is the door.
        assert follow["commune"] == COMMUNE
        shown = [card["id"] for card in follow["institutions"]]
        assert COUNTER in shown
        alone = httpx.post(
            f"{frontend_server}/v1/ask",
            json={"question": FOLLOW_UP, "audience": "professional"},
            headers=PRO,
            timeout=60,
        ).json()
        assert COUNTER not in [card["id"] for card in alone["institutions"]]

        # Keyboard: the keep button is a real button, focused and pressed with Enter.
        button = keep_button(driver, COUNTER)
        button.send_keys(Keys.ENTER)
        wait_for(driver, lambda d: keep_button(d, COUNTER).get_attribute("data-kept") == "true")
        assert case_panel(driver) == [
            {"question": NEED, "kept": [kept_first["id"]]},
            {"question": FOLLOW_UP, "kept": [COUNTER]},
        ]
        counter_card = next(c for c in follow["institutions"] if c["id"] == COUNTER)

        text = summary_text(driver)
        assert f"Besoin 1 : {NEED}" in text
        assert f"Besoin 2 : {FOLLOW_UP} (commune : {COMMUNE})" in text
        assert (
            text.index(kept_first["name"])
            < text.index("Besoin 2")
            < text.index(counter_card["name"])
        )
        assert_card_in_summary(frontend_server, kept_first, answer["citations"], text)
        assert_card_in_summary(frontend_server, counter_card, follow["citations"], text)
        screenshot(driver, "pro-case-answer", full_page=True)

        # Remove from the case panel, then keep again from the answer.
        driver.find_element(By.CSS_SELECTOR, f"#case .pro-remove[data-id='{COUNTER}']").click()
        assert case_panel(driver)[1]["kept"] == []
        assert counter_card["name"] not in summary_text(driver)
        assert driver.switch_to.active_element.get_attribute("id") == "case-need-2"
        keep_button(driver, COUNTER).click()
        assert summary_text(driver) == text

        # The case survives a reload of the tab (sessionStorage), not its closing.
        driver.refresh()
        wait_for(
            driver,
            lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true",
            timeout=30,
        )
        driver.execute_script(RECORDER)
        assert [n["kept"] for n in case_panel(driver)] == [[kept_first["id"]], [COUNTER]]
        assert summary_text(driver).split("\n")[1:] == text.split("\n")[1:]
        assert axe_violations(driver) == [], "case with two needs and its summary"
        screenshot(driver, "pro-case", full_page=True)

        # The summary is editable; copy takes the edited text; print shows only it.
        area = driver.find_element(By.ID, "case-summary")
        area.send_keys(Keys.CONTROL, Keys.END)
        area.send_keys("\nRendez-vous pris pour mardi.")
        edited = summary_text(driver)
        assert edited.endswith("Rendez-vous pris pour mardi.")
        driver.execute_cdp_cmd(
            "Browser.grantPermissions",
            {
                "origin": frontend_server,
                "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"],
            },
        )
        driver.find_element(By.ID, "case-copy").click()
        status = driver.find_element(By.ID, "case-status")
        wait_for(driver, lambda d: status.text.startswith("Résumé du dossier copié"), timeout=10)
        driver.set_script_timeout(10)
        copied = driver.execute_async_script(
            "const done = arguments[0];"
            "navigator.clipboard.readText().then(done, e => done('ERR ' + e));"
        )
        assert copied == edited
        driver.execute_script("window.print = () => { window.__printed = true; };")
        driver.find_element(By.ID, "case-print-button").click()
        assert driver.execute_script("return window.__printed") is True
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        printed = driver.find_element(By.ID, "case-print")
        assert printed.is_displayed()
        assert printed.get_attribute("textContent") == edited
        assert not driver.find_element(By.ID, "case-summary").is_displayed()
        assert not driver.find_element(By.ID, "ask").is_displayed()
        screenshot(driver, "pro-case-print", full_page=True)
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

        # New case: cleared here, and the conversation deleted on the server.
        driver.find_element(By.ID, "case-new").click()
        wait_for(driver, lambda d: sent(d, "DELETE", "/v1/conversations/"), timeout=10)
        wait_for(
            driver,
            lambda d: d.find_element(By.ID, "case-status").text.startswith(
                "Nouveau dossier ouvert : la conversation précédente est effacée"
            ),
            timeout=10,
        )
        deleted = sent(driver, "DELETE", "/v1/conversations/")
        assert [(d["url"], d["status"]) for d in deleted] == [
            (f"/v1/conversations/{conversation}", 204)
        ]
        gone = httpx.delete(f"{frontend_server}/v1/conversations/{conversation}", headers=PRO)
        assert gone.status_code == 404
        assert case_panel(driver) == []
        assert summary_text(driver) == ""
        assert driver.find_element(By.ID, "answer").text == ""
        assert driver.execute_script("return sessionStorage.getItem('permanence.proCase')") is None
        assert driver.switch_to.active_element.get_attribute("id") == "question"
        fresh = ask(driver, NEED)
        assert fresh["body"]["conversation_id"] is None
        assert fresh["json"]["conversation_id"] != conversation


def test_an_expired_conversation_is_said_and_signing_out_forgets_the_case(
    frontend_server: str, browser: BrowserFactory
) -> None:
    """A case whose conversation the server no longer has (30 minutes idle) goes on, saying
    that the next question is read alone; signing out deletes the case and its conversation.
    On a phone's width, where the case panel comes after the answer."""
    stale = "expired0conversation0id"
    with browser(width=360, height=740) as driver:
        open_console(driver, frontend_server)
        sign_in(driver)
        driver.execute_script(
            "sessionStorage.setItem('permanence.proCase', JSON.stringify({conversation_id:"
            " arguments[0], needs: [{id: 'earlier', question: 'une question d’avant',"
            " commune: null, kept: []}]}))",
            stale,
        )
        driver.refresh()
        wait_for(
            driver,
            lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true",
            timeout=30,
        )
        driver.execute_script(RECORDER)
        assert case_panel(driver) == [{"question": "une question d’avant", "kept": []}]

        asked = ask(driver, NEED)
        assert asked["body"]["conversation_id"] == stale
        opened = asked["json"]["conversation_id"]
        assert opened and opened != stale
        status = driver.find_element(By.ID, "ask-status").text
        assert "Question 2 du dossier." in status
        assert "cette question est lue seule" in status
        assert [n["question"] for n in case_panel(driver)] == ["une question d’avant", NEED]
        first = asked["json"]["institutions"][0]["id"]
        keep_button(driver, first).click()
        assert case_panel(driver)[1]["kept"] == [first]
        assert axe_violations(driver) == [], "case on a phone"
        screenshot(driver, "pro-case-phone", full_page=True)

        driver.find_element(By.ID, "signout").click()
        wait_for(driver, lambda d: sent(d, "DELETE", "/v1/conversations/"), timeout=10)
        wait_for(
            driver,
            lambda d: [e["status"] for e in sent(d, "DELETE", "/v1/conversations/")] == [204],
            timeout=10,
        )
        assert sent(driver, "DELETE", "/v1/conversations/")[0]["url"].endswith(opened)
        assert case_panel(driver) == []
        assert driver.execute_script("return sessionStorage.getItem('permanence.proCase')") is None
        assert driver.find_element(By.ID, "signin").is_displayed()
