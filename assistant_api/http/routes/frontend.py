"""The two front ends, served by the API process itself: the citizen widget and the pro console.

``/`` is a demo page embedding the widget, ``/widget.js`` is the one file an institution's site
includes, ``/pro`` is the referral console, ``/static/…`` the rest (styles, interface strings).
The files are plain static assets (no build step); this module only maps URLs to them and adds
the headers each kind needs: a strict Content-Security-Policy on our own pages, and
``Access-Control-Allow-Origin: *`` on the assets other sites load (they hold no private data).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Final

from fastapi import APIRouter, HTTPException, Response, status
from fastapi.responses import FileResponse
from pydantic import BaseModel

from assistant_api.http.deps import ServicesDep
from assistant_api.triage.language import SUPPORTED_LANGUAGES
from ingest import CATEGORY_LABELS

__all__ = ["STATIC_DIR", "WIDGET_LANGUAGES", "router"]

logger = logging.getLogger(__name__)

STATIC_DIR: Final = Path(__file__).resolve().parents[2] / "static"

#: Interface languages of the widget, one ``static/i18n/<code>.json`` file each: every language
#: Permanence answers in.
WIDGET_LANGUAGES: Final = SUPPORTED_LANGUAGES

#: Our own pages load scripts, styles and data only from this origin; no inline code at all.
PAGE_CSP: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob: data:; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'; object-src 'none'"
)
#: Assets change with deployments; a short cache keeps embedding sites reasonably fresh.
ASSET_MAX_AGE_S: Final = 300

_MEDIA_TYPES: Final = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}

router = APIRouter(tags=["frontend"], include_in_schema=False)


def _asset(relative: str) -> FileResponse:
    """A file under ``static/`` with cache and CORS headers; 404 for anything outside it."""
    path = (STATIC_DIR / relative).resolve()
    media_type = _MEDIA_TYPES.get(path.suffix)
    if not path.is_relative_to(STATIC_DIR) or not path.is_file() or media_type is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no front-end asset {relative!r}")
    headers = {
        "Cache-Control": f"public, max-age={ASSET_MAX_AGE_S}",
        "Access-Control-Allow-Origin": "*",
        "X-Content-Type-Options": "nosniff",
    }
    return FileResponse(path, media_type=media_type, headers=headers)


def _page(name: str) -> FileResponse:
    """One of our HTML pages, with a strict CSP (no inline script or style is ever needed)."""
    headers = {
        "Content-Security-Policy": PAGE_CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }
    return FileResponse(STATIC_DIR / name, media_type=_MEDIA_TYPES[".html"], headers=headers)


@router.get("/")
async def demo_page() -> FileResponse:
    """A page that embeds the widget exactly as an institution's site would."""
    return _page("index.html")


@router.get("/pro")
async def pro_console() -> FileResponse:
    """The referral console for social workers."""
    return _page("pro.html")


@router.get("/widget.js")
async def widget_script() -> FileResponse:
    return _asset("widget.js")


@router.get("/widget.css")
async def widget_style() -> FileResponse:
    return _asset("widget.css")


@router.get("/static/{relative:path}")
async def static_asset(relative: str) -> FileResponse:
    return _asset(relative)


class FrontendConfig(BaseModel):
    """What the front ends need to know about this deployment (nothing secret)."""

    retention_days: int
    languages: list[str]
    categories: dict[str, str]
    communes: list[str]


@router.get("/widget/config.json", response_model=FrontendConfig)
async def frontend_config(response: Response, services: ServicesDep) -> FrontendConfig:
    """Retention period for the privacy notice; categories and communes for the pro filters."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    communes: set[str] = set()
    for record in services.runtime.service.institutions.values():
        communes.update(location.commune for location in record.locations)
    return FrontendConfig(
        retention_days=services.settings.retention_days,
        languages=list(WIDGET_LANGUAGES),
        categories=dict(CATEGORY_LABELS),
        communes=sorted(communes),
    )
