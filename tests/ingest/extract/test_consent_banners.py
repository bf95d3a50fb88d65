"""Cookie and consent banners never reach the stored text."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.extract.html import extract_html

pytestmark = pytest.mark.unit

SITES = Path(__file__).resolve().parents[3] / "corpora" / "sites"

PAGE = """<!doctype html><html lang="fr"><head><title>Contact</title></head>
<body class="has-cookie-banner"><div id="{marker}"><p>Nous utilisons des cookies pour mesurer
l'audience. Accepter ou refuser.</p><button>OK</button></div>
<main><h1>Contact</h1><p>Permanence sociale, rue du Test 1, 2000 Neuchâtel.</p></main>
</body></html>"""


@pytest.mark.parametrize(
    "marker",
    [
        pytest.param("cookie-banner", id="id-cookie"),
        pytest.param("consent", id="id-consent"),
        pytest.param("tarteaucitronRoot", id="vendor"),
    ],
)
def test_banner_text_is_removed_and_content_kept(marker: str) -> None:
    page = extract_html(PAGE.format(marker=marker), "http://127.0.0.1/contact")
    assert "cookies" not in page.text.lower()
    assert "rue du Test 1" in page.text


def test_body_with_a_cookie_class_is_not_dropped() -> None:
    page = extract_html(PAGE.format(marker="plain"), "http://127.0.0.1/contact")
    assert "rue du Test 1" in page.text


def test_mirror_contact_page_loses_its_banner() -> None:
    html = (SITES / "croix-rouge-ne.ch" / "contact.html").read_text(encoding="utf-8")
    page = extract_html(html, "http://127.0.0.1/contact.html")
    assert "Cookies nécessaires" not in page.text
    assert "Rue de la Paix 73" in page.text


def test_data_table_nested_in_a_layout_table_survives() -> None:
    html = (SITES / "addiction-neuchatel.ch" / "contact.htm").read_bytes().decode("iso-8859-1")
    page = extract_html(html, "http://127.0.0.1/contact.htm")
    assert "Ruelle du Guilleri 8, 2114 Val-de-Travers" in page.text
    assert "| Adresse |" in page.text
    assert "Plan du site" not in page.text
