"""A real HTTP server for the local website mirror under ``corpora/sites/``.

Crawler and extractor tests need websites that behave like the real ones (redirects, 404 and
410, charsets, conditional GET, logins) without touching the internet. This module serves the
static folders that ``scripts/mirror/generate.py`` writes, one port per site, from one uvicorn
server running in a background thread on 127.0.0.1. Each site's behaviour beyond plain files is
described by its ``_server.json`` (format in ``corpora/sites/README.md``).

Usage::

    from permanence.testing.sites import serve_sites

    with serve_sites("gsr", "intranet", credentials={"intranet": ("pro", "test-pw")}) as sites:
        httpx.get(sites.url("gsr", "/robots.txt"))

Every site gets its own origin (``http://127.0.0.1:<port>``) so that ``/robots.txt`` and
``/sitemap.xml`` sit at the root as crawlers expect. The text ``__ORIGIN__`` in a served text
file is replaced by that origin, because sitemaps and canonical links need absolute URLs and the
port is only known at run time. Credentials are never stored in the mirror: they come from the
``credentials`` argument or from the environment variables named in ``_server.json``.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import secrets
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from urllib.parse import quote

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

__all__ = [
    "SITES_ROOT",
    "LoggedRequest",
    "ServedSites",
    "SiteConfig",
    "SiteConfigError",
    "query_slug",
    "serve_sites",
    "site_configs",
    "site_with_layout",
]

from permanence.testing.site_config import (
    _STARTUP_TIMEOUT_S,
    _TEXT_TYPES,
    ORIGIN_TOKEN,
    SITES_ROOT,
    AuthConfig,
    LoggedRequest,
    Redirect,
    SiteConfig,
    SiteConfigError,
    _content_type,
    _etag,
    _http_date,
    _Override,
    _Site,
    available_sites,
    not_modified,
    query_slug,
    resolve_credentials,
    site_configs,
    site_with_layout,
)

logger = logging.getLogger(__name__)


class ServedSites:
    """Handle on running sites: base URLs, the request log and run-time overrides."""

    def __init__(self, sites: Mapping[str, _Site]) -> None:
        self._sites = dict(sites)
        self._lock = threading.Lock()
        self._overrides: dict[tuple[str, str], _Override] = {}
        self.requests: list[LoggedRequest] = []

    @property
    def urls(self) -> dict[str, str]:
        """Base URL (no trailing slash) of each served site, by site name."""
        return {name: site.origin for name, site in self._sites.items()}

    def __getitem__(self, name: str) -> str:
        return self.url(name)

    def url(self, name: str, path: str = "") -> str:
        """Absolute URL of ``path`` on site ``name``."""
        if name not in self._sites:
            raise KeyError(f"site {name!r} is not served here; served: {sorted(self._sites)}")
        return self._sites[name].origin + path

    def override(
        self,
        name: str,
        path: str,
        *,
        status: int | None = None,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        delay_s: float = 0.0,
    ) -> None:
        """Answer ``path`` of site ``name`` differently from now on.

        ``status`` alone answers that status with an empty body and ``headers`` (a transient 503
        with ``Retry-After``, a 404 for a page that disappeared); ``body`` replaces the file's
        content (a changed page, new ETag); ``delay_s`` holds the answer back (timeouts).
        ``clear_overrides`` restores the mirror.
        """
        if delay_s < 0:
            raise ValueError(f"delay_s must be >= 0, not {delay_s}")
        with self._lock:
            self._overrides[(name, path)] = _Override(status, body, dict(headers or {}), delay_s)

    def clear_overrides(self) -> None:
        """Forget every override set with ``override``."""
        with self._lock:
            self._overrides.clear()

    def requests_for(self, name: str) -> list[LoggedRequest]:
        """The requests site ``name`` received, oldest first."""
        with self._lock:
            return [r for r in self.requests if r.site == name]

    def _get_override(self, name: str, path: str) -> _Override | None:
        with self._lock:
            return self._overrides.get((name, path))

    def _log(self, entry: LoggedRequest) -> None:
        with self._lock:
            self.requests.append(entry)


class _Handler:
    """Answers one request for the site bound to the local port it arrived on."""

    def __init__(
        self,
        served: ServedSites,
        by_port: Mapping[int, _Site],
        *,
        last_modified: Literal["config", "mtime"],
    ) -> None:
        self._served = served
        self._by_port = dict(by_port)
        self._last_modified = last_modified

    async def handle(self, request: Request) -> Response:
        server = request.scope.get("server")
        site = self._by_port.get(server[1]) if server else None
        if site is None:
            return Response("no site on this port\n", status_code=500, media_type="text/plain")
        response = await self._answer(site, request)
        self._served._log(
            LoggedRequest(
                site=site.name,
                method=request.method,
                path=request.url.path,
                query=request.url.query,
                headers={k.lower(): v for k, v in request.headers.items()},
                status=response.status_code,
            )
        )
        return response

    async def _answer(self, site: _Site, request: Request) -> Response:
        path = request.url.path
        override = self._served._get_override(site.name, path)
        if override is not None and override.delay_s:
            await asyncio.sleep(override.delay_s)
        if override is not None and override.body is None and override.status not in (None, 200):
            return Response(b"", status_code=override.status, headers=override.headers)
        auth = site.config.auth
        if auth is not None:
            denied = await self._check_auth(site, auth, request)
            if denied is not None:
                return denied
        redirect = site.config.redirects.get(path)
        if redirect is not None:
            target = Redirect(to=redirect) if isinstance(redirect, str) else redirect
            return Response(b"", status_code=target.status, headers={"Location": target.to})
        if path in site.config.status:
            status = site.config.status[path]
            return self._error_page(site, status)
        if path in site.config.queries:
            pages = site.config.queries[path]
            value = request.query_params.get(pages.param, "")
            slug = query_slug(value)
            rel = f"{pages.dir}/{slug}.html" if slug else pages.missing
            if not slug or not (site.root / rel).is_file():
                rel = pages.missing
            return self._file(site, request, site.root / rel, path, override)
        return self._static(site, request, path, override)

    def _static(
        self, site: _Site, request: Request, path: str, override: _Override | None
    ) -> Response:
        relative = path.lstrip("/")
        target = (site.root / relative).resolve()
        if site.root not in (target, *target.parents):
            return self._error_page(site, 404)
        if any(part.startswith("_") for part in Path(relative).parts):
            return self._error_page(site, 404)
        if target.is_dir():
            if not path.endswith("/"):
                return Response(b"", status_code=301, headers={"Location": path + "/"})
            target = target / "index.html"
        if override is not None and override.body is not None:
            return self._respond(site, request, target, path, override.body, override)
        if not target.is_file():
            return self._error_page(site, 404)
        return self._file(site, request, target, path, override)

    def _file(
        self,
        site: _Site,
        request: Request,
        target: Path,
        path: str,
        override: _Override | None,
    ) -> Response:
        return self._respond(site, request, target, path, target.read_bytes(), override)

    def _respond(
        self,
        site: _Site,
        request: Request,
        target: Path,
        path: str,
        body: bytes,
        override: _Override | None,
    ) -> Response:
        content_type = _content_type(target)
        if content_type.startswith(_TEXT_TYPES) and ORIGIN_TOKEN in body:
            body = body.replace(ORIGIN_TOKEN, site.origin.encode("ascii"))
        headers = {"Content-Type": content_type}
        for pattern, extra in site.config.headers.items():
            if pattern in ("*", path):
                headers.update(extra)
        if self._last_modified == "mtime" and target.is_file():
            modified = datetime.fromtimestamp(int(target.stat().st_mtime), tz=UTC)
        else:
            modified = site.config.last_modified_paths.get(path, site.config.last_modified)
        etag = _etag(body)
        headers["ETag"] = etag
        headers["Last-Modified"] = _http_date(modified)
        if override is not None:
            headers.update(override.headers)
        status = override.status if override is not None and override.status else 200
        if (
            status == 200
            and request.method in ("GET", "HEAD")
            and not_modified(request, etag, modified)
        ):
            del headers["Content-Type"]
            return Response(b"", status_code=304, headers=headers)
        return Response(body, status_code=status, headers=headers)

    def _error_page(self, site: _Site, status: int) -> Response:
        page = site.root / f"{status}.html"
        if not page.is_file():
            page = site.root / "404.html"
        if page.is_file():
            return Response(
                page.read_bytes(), status_code=status, media_type="text/html; charset=utf-8"
            )
        return Response(f"{status}\n", status_code=status, media_type="text/plain")

    async def _check_auth(self, site: _Site, auth: AuthConfig, request: Request) -> Response | None:
        assert site.credentials is not None
        user, password = site.credentials
        path = request.url.path
        if auth.type == "basic":
            header = request.headers.get("authorization", "")
            if header.lower().startswith("basic "):
                try:
                    given = base64.b64decode(header[6:].strip()).decode("utf-8")
                except (ValueError, UnicodeDecodeError):
                    given = ""
                if secrets.compare_digest(given.encode(), f"{user}:{password}".encode()):
                    return None
            return Response(
                b"401 - authentification requise\n",
                status_code=401,
                media_type="text/plain",
                headers={"WWW-Authenticate": f'Basic realm="{auth.realm}", charset="UTF-8"'},
            )
        if path == auth.login_path:
            if request.method == "POST":
                return await self._login(site, auth, request, user, password)
            return self._respond(
                site,
                request,
                site.root / auth.login_page,
                path,
                (site.root / auth.login_page).read_bytes(),
                None,
            )
        if path == auth.logout_path:
            site.sessions.discard(request.cookies.get(auth.cookie, ""))
            response = Response(b"", status_code=303, headers={"Location": auth.login_path})
            response.delete_cookie(auth.cookie, path="/")
            return response
        if any(path == p or (p.endswith("/") and path.startswith(p)) for p in auth.public_paths):
            return None
        if request.cookies.get(auth.cookie, "") in site.sessions:
            return None
        location = f"{auth.login_path}?next={quote(path)}"
        return Response(b"", status_code=302, headers={"Location": location})

    async def _login(
        self, site: _Site, auth: AuthConfig, request: Request, user: str, password: str
    ) -> Response:
        form = await request.form()
        given_user = str(form.get("username", ""))
        given_password = str(form.get("password", ""))
        target = str(form.get("next", "") or request.query_params.get("next", "") or "/")
        if not target.startswith("/") or target.startswith("//"):
            target = "/"
        ok_user = secrets.compare_digest(given_user.encode(), user.encode())
        ok_password = secrets.compare_digest(given_password.encode(), password.encode())
        if not (ok_user and ok_password):
            body = (
                (site.root / auth.login_page)
                .read_bytes()
                .replace(ORIGIN_TOKEN, site.origin.encode())
            )
            return Response(body, status_code=401, media_type="text/html; charset=utf-8")
        token = secrets.token_urlsafe(24)
        site.sessions.add(token)
        response = Response(b"", status_code=303, headers={"Location": target})
        response.set_cookie(auth.cookie, token, path="/", httponly=True, samesite="lax")
        return response


@contextmanager
def serve_sites(
    *names: str,
    root: Path = SITES_ROOT,
    credentials: Mapping[str, tuple[str, str]] | None = None,
    last_modified: Literal["config", "mtime"] = "config",
    ports: Mapping[str, int] | None = None,
) -> Iterator[ServedSites]:
    """Serve the named site folders of ``root`` (all of them when none is named).

    Args:
        names: folder names under ``root`` such as ``"gsr"`` or ``"intranet"``.
        root: the mirror to serve; pass a copy in ``tmp_path`` to test changed or deleted pages.
        credentials: ``{site: (user, password)}`` for protected sites (else read from the
            environment variables named in the site's ``_server.json``).
        last_modified: ``"config"`` sends the fixed dates of ``_server.json`` (deterministic);
            ``"mtime"`` sends file modification times (for tests that edit files in a copy).
        ports: ``{site: port}`` for sites that must keep one origin from run to run (the
            demo's intranet crawl, so that stored URLs stay the same); others get a free port.

    Yields:
        A ``ServedSites`` with one ``http://127.0.0.1:<port>`` origin per site.

    Raises:
        SiteConfigError: a name is not a folder of ``root``, a ``_server.json`` is invalid, or a
            protected site has no credentials.
    """
    root = root.resolve()
    chosen = list(names) or available_sites(root)
    missing = [n for n in chosen if not (root / n).is_dir()]
    if missing:
        raise SiteConfigError(
            f"no site folder {missing} under {root}; available: {available_sites(root)}"
        )
    given = dict(credentials or {})
    sites: dict[str, _Site] = {}
    for name in chosen:
        config = SiteConfig.load(root / name)
        sites[name] = _Site(name, root / name, config, resolve_credentials(name, config, given))

    sockets: list[socket.socket] = []
    by_port: dict[int, _Site] = {}
    for site in sites.values():
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", (ports or {}).get(site.name, 0)))
        except OSError as exc:
            for opened in (*sockets, sock):
                opened.close()
            raise SiteConfigError(f"cannot serve {site.name!r} on its port: {exc}") from exc
        port = sock.getsockname()[1]
        site.origin = f"http://127.0.0.1:{port}"
        by_port[port] = site
        sockets.append(sock)

    served = ServedSites(sites)
    handler = _Handler(served, by_port, last_modified=last_modified)
    app = Starlette(routes=[Route("/{path:path}", handler.handle, methods=["GET", "HEAD", "POST"])])
    server_config = uvicorn.Config(
        app, log_level="warning", lifespan="off", ws="none", http="h11", access_log=False
    )
    server = uvicorn.Server(server_config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": sockets}, daemon=True)
    thread.start()
    deadline = time.monotonic() + _STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            for sock in sockets:
                sock.close()
            raise SiteConfigError(f"the site server did not start within {_STARTUP_TIMEOUT_S} s")
        time.sleep(0.01)
    logger.debug("serving %s", served.urls)
    try:
        yield served
    finally:
        server.should_exit = True
        thread.join(timeout=_STARTUP_TIMEOUT_S)
        for sock in sockets:
            sock.close()
