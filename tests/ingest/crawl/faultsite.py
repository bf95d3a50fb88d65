"""A fault-injection website served by a real uvicorn server on 127.0.0.1.

Each route misbehaves in one documented way (500s that recover, 429 with Retry-After, a slow
drip, a 50 MB body, redirect loops, robots.txt trouble, a wrong charset, logins). ``FaultState``
holds the knobs and counters a test turns and reads; the app is rebuilt per module and the state
is reset per test.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from permanence.testing.servers import run_uvicorn

RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "faults"
HUGE_BYTES = 50 * 1024 * 1024
INTRANET_USER = "pro-user"
INTRANET_PASSWORD = "s3cret-intranet-pw-42"
BEARER_TOKEN = "tok-7f3a9c1e5b2d4f6a8c0e"


@dataclass
class FaultState:
    """Knobs a test turns and counters it reads."""

    flaky_failures: int = 2
    busy_failures: int = 1
    retry_after: str = "1"
    robots_status: int = 200
    robots_body: str = "User-agent: *\nDisallow: /private/\n"
    volatile_status: int = 200
    changing_version: int = 1
    link_volatile: bool = True
    sitemap_lastmod: str = "2020-01-01"
    hits: dict[str, int] = field(default_factory=dict)
    hit_times: dict[str, list[float]] = field(default_factory=dict)
    huge_bytes_sent: int = 0
    user_agents: set[str] = field(default_factory=set)
    conditional_hits: int = 0
    sessions: set[str] = field(default_factory=set)

    def hit(self, path: str) -> int:
        self.hits[path] = self.hits.get(path, 0) + 1
        self.hit_times.setdefault(path, []).append(time.monotonic())
        return self.hits[path]


def make_pdf(lines: list[str], *, title: str) -> bytes:
    """A one-page PDF with real text objects (WinAnsi encoded), readable by pypdf."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = "BT /F1 12 Tf 72 720 Td 16 TL " + " ".join(f"({escape(x)}) '" for x in lines) + " ET"
    stream = content.encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Title (" + escape(title).encode("cp1252") + b") >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def make_docx(*, title: str, heading: str, paragraphs: list[str], table: list[list[str]]) -> bytes:
    """A Word file with a heading, paragraphs and a table, written by python-docx."""
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.add_heading(heading, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    grid = document.add_table(rows=len(table), cols=len(table[0]))
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


PDF_BODY = make_pdf(
    ["Tarifs du service fictif", "Consultation: gratuite", "Repas: 12 francs"],
    title="Tarifs 2026",
)
DOCX_BODY = make_docx(
    title="Procédure interne",
    heading="Procédure d'accueil",
    paragraphs=["Chaque demande reçoit une réponse dans les deux jours ouvrables."],
    table=[["Étape", "Délai"], ["Accueil", "1 jour"], ["Réponse", "2 jours"]],
)


def _page(title: str, body: str, *, links: list[str] | None = None) -> str:
    anchors = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links or [])
    return (
        f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><main><h1>{title}</h1><p>{body}</p><ul>{anchors}</ul></main></body></html>"
    )


def _etagged(request: Request, state: FaultState, body: bytes, media_type: str) -> Response:
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
    if request.headers.get("if-none-match") == etag:
        state.conditional_hits += 1
        return Response(status_code=304, headers={"ETag": etag})
    return Response(body, media_type=media_type, headers={"ETag": etag})


FAULT_LINKS = [
    "/flaky",
    "/busy",
    "/slow",
    "/drip",
    "/huge",
    "/huge-declared",
    "/loop-a",
    "/chain/0",
    "/offsite",
    "/private/secret",
    "/image.png",
    "/malformed",
    "/latin1",
    "/tarifs.pdf",
    "/procedure.docx",
    "/noindex",
    "/alias",
]


def build_app(state: FaultState) -> Starlette:
    """The fault site; every handler counts its hits in ``state``."""

    async def robots(request: Request) -> Response:
        state.hit("/robots.txt")
        state.user_agents.add(request.headers.get("user-agent", ""))
        if state.robots_status != 200:
            return PlainTextResponse("unavailable", status_code=state.robots_status)
        return PlainTextResponse(state.robots_body)

    async def index(request: Request) -> Response:
        state.hit("/")
        return Response(
            _page(
                "Site de pannes", "Chaque lien ci-dessous déclenche une panne.", links=FAULT_LINKS
            ),
            media_type="text/html; charset=utf-8",
        )

    async def flaky(request: Request) -> Response:
        if state.hit("/flaky") <= state.flaky_failures:
            return PlainTextResponse("boom", status_code=500)
        return Response(
            _page("Page instable", "Elle répond après deux erreurs."), media_type="text/html"
        )

    async def busy(request: Request) -> Response:
        if state.hit("/busy") <= state.busy_failures:
            return PlainTextResponse(
                "slow down", status_code=429, headers={"Retry-After": state.retry_after}
            )
        return Response(
            _page("Page occupée", "Elle répond après une pause."), media_type="text/html"
        )

    async def slow(request: Request) -> Response:
        state.hit("/slow")
        await asyncio.sleep(1.5)
        return Response(_page("Trop lente", "Jamais lue."), media_type="text/html")

    async def drip(request: Request) -> Response:
        state.hit("/drip")

        async def body() -> AsyncIterator[bytes]:
            yield b"<html><body><p>"
            for _ in range(100):
                await asyncio.sleep(0.1)
                yield b"x"

        return StreamingResponse(body(), media_type="text/html")

    def _huge(request: Request, declared: bool) -> Response:
        chunk = b"a" * 65536

        async def body() -> AsyncIterator[bytes]:
            sent = 0
            while sent < HUGE_BYTES:
                if await request.is_disconnected():
                    return
                sent += len(chunk)
                state.huge_bytes_sent += len(chunk)
                yield chunk
                await asyncio.sleep(0)

        headers = {"Content-Length": str(HUGE_BYTES)} if declared else {}
        return StreamingResponse(body(), media_type="text/html", headers=headers)

    async def huge(request: Request) -> Response:
        state.hit("/huge")
        return _huge(request, False)

    async def huge_declared(request: Request) -> Response:
        state.hit("/huge-declared")
        return _huge(request, True)

    async def loop_a(request: Request) -> Response:
        state.hit("/loop-a")
        return RedirectResponse("/loop-b", status_code=302)

    async def loop_b(request: Request) -> Response:
        state.hit("/loop-b")
        return RedirectResponse("/loop-a?utm_campaign=x", status_code=301)

    async def chain(request: Request) -> Response:
        step = int(request.path_params["step"])
        state.hit(f"/chain/{step}")
        return RedirectResponse(f"/chain/{step + 1}", status_code=302)

    async def offsite(request: Request) -> Response:
        state.hit("/offsite")
        return RedirectResponse("https://elsewhere.invalid/landing", status_code=301)

    async def private(request: Request) -> Response:
        state.hit(request.url.path)
        return Response(_page("Secret", "Ne doit pas être lu."), media_type="text/html")

    async def image(request: Request) -> Response:
        state.hit("/image.png")
        return Response(b"\x89PNG\r\n\x1a\n" + b"\x00" * 2048, media_type="image/png")

    async def malformed(request: Request) -> Response:
        state.hit("/malformed")
        return Response((RESOURCES / "malformed.html").read_bytes(), media_type="text/html")

    async def latin1(request: Request) -> Response:
        state.hit("/latin1")
        return Response(
            (RESOURCES / "latin1-declared-utf8.html").read_bytes(),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )

    async def pdf(request: Request) -> Response:
        state.hit("/tarifs.pdf")
        return Response(PDF_BODY, media_type="application/pdf")

    async def word(request: Request) -> Response:
        state.hit("/procedure.docx")
        return Response(
            DOCX_BODY,
            media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )

    async def noindex(request: Request) -> Response:
        state.hit("/noindex")
        html = _page("Brouillon", "Cette page demande à ne pas être indexée.")
        html = html.replace("<head>", '<head><meta name="robots" content="noindex">')
        return Response(html, media_type="text/html")

    async def alias(request: Request) -> Response:
        state.hit("/alias")
        html = _page("Alias", "Même contenu que la page mal formée.").replace(
            "<head>", '<head><link rel="canonical" href="/malformed">'
        )
        return Response(html, media_type="text/html")

    async def clean(request: Request) -> Response:
        path = request.url.path.rstrip("/") or "/clean"
        state.hit(path)
        name = path.removeprefix("/clean").strip("/") or "index"
        if name == "volatile":
            if state.volatile_status != 200:
                return PlainTextResponse("gone", status_code=state.volatile_status)
            body = _page("Page volatile", "Cette page disparaîtra au prochain passage.").encode()
            return _etagged(request, state, body, "text/html; charset=utf-8")
        if name == "changing":
            text = f"Version {state.changing_version} du texte de cette page."
            # No validators on purpose: unchanged bodies are caught by their hash.
            return Response(_page("Page qui change", text), media_type="text/html")
        file = RESOURCES / "clean" / (name if "." in name else f"{name}.html")
        if not file.is_file():
            return PlainTextResponse("not found", status_code=404)
        media = "text/plain; charset=utf-8" if file.suffix == ".txt" else "text/html; charset=utf-8"
        body = file.read_bytes()
        if name == "index" and not state.link_volatile:
            body = body.replace(b'<li><a href="/clean/volatile">Page volatile</a></li>', b"")
        return _etagged(request, state, body, media)

    async def sitemap_index(request: Request) -> Response:
        state.hit("/sitemap-index.xml")
        origin = f"{request.url.scheme}://{request.url.netloc}"
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{origin}/sitemap-pages.xml</loc></sitemap></sitemapindex>"
        )
        return Response(xml, media_type="application/xml")

    async def sitemap_pages(request: Request) -> Response:
        state.hit("/sitemap-pages.xml")
        origin = f"{request.url.scheme}://{request.url.netloc}"
        entries = "".join(
            f"<url><loc>{origin}{path}</loc><lastmod>{state.sitemap_lastmod}</lastmod></url>"
            for path in ("/clean/logement", "/clean/dettes/")
        )
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
        )
        return Response(xml, media_type="application/xml")

    def _intranet_page(title: str) -> Response:
        return Response(
            _page(title, "Document réservé aux professionnels du réseau.", links=["/intra/b"]),
            media_type="text/html",
        )

    async def intra_login(request: Request) -> Response:
        state.hit("/intra/login")
        if request.method == "GET":
            return Response(_page("Connexion", "Formulaire"), media_type="text/html")
        form = await request.form()
        ok = secrets.compare_digest(str(form.get("username", "")), INTRANET_USER) and (
            secrets.compare_digest(str(form.get("password", "")), INTRANET_PASSWORD)
        )
        if not ok:
            return Response(
                _page("Connexion", "Identifiants incorrects"),
                status_code=401,
                media_type="text/html",
            )
        token = secrets.token_urlsafe(16)
        state.sessions.add(token)
        response = RedirectResponse("/intra/a", status_code=303)
        response.set_cookie("session", token, path="/", httponly=True)
        return response

    async def intra(request: Request) -> Response:
        state.hit(request.url.path)
        if request.cookies.get("session", "") not in state.sessions:
            return RedirectResponse(f"/intra/login?next={request.url.path}", status_code=302)
        return _intranet_page(f"Intranet {request.url.path}")

    async def basic(request: Request) -> Response:
        state.hit(request.url.path)
        expected = base64.b64encode(f"{INTRANET_USER}:{INTRANET_PASSWORD}".encode()).decode()
        if request.headers.get("authorization", "") != f"Basic {expected}":
            return PlainTextResponse(
                "auth required", status_code=401, headers={"WWW-Authenticate": 'Basic realm="x"'}
            )
        return Response(
            _page(f"Basic {request.url.path}", "Page protégée.", links=["/basic/b"]),
            media_type="text/html",
        )

    async def bearer(request: Request) -> Response:
        state.hit(request.url.path)
        if request.headers.get("authorization", "") != f"Bearer {BEARER_TOKEN}":
            return PlainTextResponse("forbidden", status_code=403)
        return Response(_page("Bearer", "Page protégée par jeton."), media_type="text/html")

    routes = [
        Route("/robots.txt", robots),
        Route("/", index),
        Route("/flaky", flaky),
        Route("/busy", busy),
        Route("/slow", slow),
        Route("/drip", drip),
        Route("/huge", huge),
        Route("/huge-declared", huge_declared),
        Route("/loop-a", loop_a),
        Route("/loop-b", loop_b),
        Route("/chain/{step:int}", chain),
        Route("/offsite", offsite),
        Route("/private/{rest:path}", private),
        Route("/image.png", image),
        Route("/malformed", malformed),
        Route("/latin1", latin1),
        Route("/tarifs.pdf", pdf),
        Route("/procedure.docx", word),
        Route("/noindex", noindex),
        Route("/alias", alias),
        Route("/sitemap-index.xml", sitemap_index),
        Route("/sitemap-pages.xml", sitemap_pages),
        Route("/clean", clean),
        Route("/clean/{rest:path}", clean),
        Route("/intra/login", intra_login, methods=["GET", "POST"]),
        Route("/intra/{rest:path}", intra),
        Route("/basic/{rest:path}", basic),
        Route("/bearer/{rest:path}", bearer),
    ]
    return Starlette(routes=routes)


@contextmanager
def serve(app: Starlette) -> Iterator[str]:
    """Run ``app`` on a free 127.0.0.1 port in a thread; yields its origin."""
    with run_uvicorn(app, lifespan="off", http="h11") as origin:
        yield origin
