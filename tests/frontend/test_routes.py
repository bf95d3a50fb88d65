"""The URLs that serve the front ends, over real HTTP (no browser needed)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from assistant_api.http.routes.frontend import PAGE_CSP, STATIC_DIR, WIDGET_LANGUAGES
from ingest import CATEGORY_LABELS

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("path", "file", "media_type"),
    [
        pytest.param("/", "index.html", "text/html; charset=utf-8", id="demo-page"),
        pytest.param("/pro", "pro.html", "text/html; charset=utf-8", id="pro-console"),
    ],
)
def test_pages_carry_a_strict_csp(
    frontend_server: str, path: str, file: str, media_type: str
) -> None:
    response = httpx.get(f"{frontend_server}{path}", timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["content-security-policy"] == PAGE_CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.text == (STATIC_DIR / file).read_text(encoding="utf-8")
    assert "<script>" not in response.text  # no inline script: the CSP would block it


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        pytest.param("/widget.js", "text/javascript; charset=utf-8", id="widget-js"),
        pytest.param("/widget.css", "text/css; charset=utf-8", id="widget-css"),
        pytest.param("/static/pro.js", "text/javascript; charset=utf-8", id="pro-js"),
        pytest.param("/static/i18n/ti.json", "application/json; charset=utf-8", id="i18n"),
    ],
)
def test_assets_can_be_loaded_by_other_sites(
    frontend_server: str, path: str, media_type: str
) -> None:
    response = httpx.get(f"{frontend_server}{path}", timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cache-control"] == "public, max-age=300"


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/static/../routes/frontend.py", id="dot-dot"),
        pytest.param("/static/%2e%2e/routes/frontend.py", id="encoded-dot-dot"),
        pytest.param("/static/i18n/xx.json", id="missing-language"),
        pytest.param("/static/i18n", id="directory"),
    ],
)
def test_nothing_outside_the_static_dir_is_served(frontend_server: str, path: str) -> None:
    response = httpx.get(f"{frontend_server}{path}", timeout=10)
    assert response.status_code == 404


def test_every_language_has_every_string() -> None:
    english = json.loads((STATIC_DIR / "i18n" / "en.json").read_text(encoding="utf-8"))
    files = sorted(p.stem for p in Path(STATIC_DIR / "i18n").glob("*.json"))
    assert files == sorted(WIDGET_LANGUAGES)
    for lang in WIDGET_LANGUAGES:
        strings = json.loads((STATIC_DIR / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))
        assert list(strings) == list(english), lang
        assert all(value.strip() for value in strings.values()), lang
        assert "{days}" in strings["privacy_text"], lang
        assert "{address}" in strings["map_label"], lang


def test_config_for_the_front_ends(frontend_server: str) -> None:
    body = httpx.get(f"{frontend_server}/widget/config.json", timeout=10).json()
    assert body["retention_days"] == 90
    assert body["languages"] == list(WIDGET_LANGUAGES)
    assert body["categories"] == CATEGORY_LABELS
    assert body["communes"] == sorted(set(body["communes"]))
    assert "La Chaux-de-Fonds" in body["communes"]
