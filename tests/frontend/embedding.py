"""A second origin for the embedding test: an institution's page with the widget's one tag."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

__all__ = ["EmbeddingSite"]


class EmbeddingSite:
    """Another origin (an institution's site) whose page embeds the widget with the one tag."""

    def __init__(self) -> None:
        self.url = ""
        self.api = ""

    def app(self) -> Starlette:
        async def page(request: Request) -> HTMLResponse:
            tag = f'<script src="{self.api}/widget.js" data-api="{self.api}" data-lang="fr" defer>'
            return HTMLResponse(
                '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
                "<title>Association exemple</title></head><body><main>"
                "<h1>Association exemple</h1><p>Une page d'un autre site.</p></main>"
                f"{tag}</script></body></html>"
            )

        return Starlette(routes=[Route("/", page)])
