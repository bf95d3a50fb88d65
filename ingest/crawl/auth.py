"""Intranet access: log in with a form, and check the credentials work before crawling.

Wrong credentials must stop the source with a clear message and store nothing: otherwise the
crawler would happily index the login page, or a "session expired" page, as a professional
document. Messages name the environment variables to fix, never their values.
"""

from __future__ import annotations

import logging
from urllib.parse import urljoin, urlsplit

import httpx

from ingest.crawl.config import Credentials, FormAuthConfig, SourceConfig
from ingest.crawl.urls import normalize_url
from ingest.errors import AuthError

__all__ = ["check_access", "is_login_redirect", "login"]

logger = logging.getLogger(__name__)

_MAX_LOGIN_REDIRECTS = 5


def _variables(source: SourceConfig) -> str:
    auth = source.auth
    if auth is None:
        return "(none)"
    names = [v for k, v in auth.model_dump().items() if k.endswith("_env")]
    return ", ".join(names)


def is_login_redirect(source: SourceConfig, location: str | None, base: str) -> bool:
    """Whether a redirect sends us to the form login page (the session is not valid)."""
    if location is None or not isinstance(source.auth, FormAuthConfig):
        return False
    target = urlsplit(urljoin(base, location))
    login_page = urlsplit(source.auth.login_url)
    return target.netloc == login_page.netloc and target.path == login_page.path


async def login(client: httpx.AsyncClient, source: SourceConfig, credentials: Credentials) -> None:
    """Post the login form; the client keeps the session cookie for the crawl.

    Raises:
        AuthError: the server refused the credentials or sent us back to the login page.
    """
    auth = source.auth
    if not isinstance(auth, FormAuthConfig):
        return
    if credentials.username is None or credentials.password is None:
        raise AuthError(f"source {source.name!r}: form login needs {_variables(source)}")
    form = dict(auth.extra_fields)
    form[auth.username_field] = credentials.username.get_secret_value()
    form[auth.password_field] = credentials.password.get_secret_value()
    try:
        response = await client.post(auth.login_url, data=form)
        hops = 0
        while response.is_redirect and hops < _MAX_LOGIN_REDIRECTS:
            location = response.headers.get("location", "")
            if is_login_redirect(source, location, str(response.url)):
                break
            response = await client.get(urljoin(str(response.url), location))
            hops += 1
    except httpx.HTTPError as exc:
        raise AuthError(
            f"source {source.name!r}: cannot reach the login form {auth.login_url} "
            f"({type(exc).__name__}); check the URL and that the intranet is up"
        ) from exc
    refused = (
        response.status_code >= 400
        or (
            response.is_redirect
            and is_login_redirect(source, response.headers.get("location"), str(response.url))
        )
        or (auth.failure_text is not None and auth.failure_text in response.text)
    )
    if refused:
        raise AuthError(
            f"source {source.name!r}: login at {auth.login_url} was refused (HTTP "
            f"{response.status_code}); check the credentials in {_variables(source)}"
        )
    logger.info("source %s: logged in at %s", source.name, auth.login_url)
    if auth.check_url:
        await check_access(client, source, auth.check_url)


async def check_access(client: httpx.AsyncClient, source: SourceConfig, url: str) -> None:
    """Fetch ``url`` once and refuse 401/403 or a bounce to the login page.

    Raises:
        AuthError: the credentials do not open ``url``.
    """
    try:
        response = await client.get(url)
    except httpx.HTTPError as exc:
        raise AuthError(
            f"source {source.name!r}: cannot reach {url} to check access ({type(exc).__name__})"
        ) from exc
    location = response.headers.get("location")
    if response.status_code in (401, 403) or (
        response.is_redirect and is_login_redirect(source, location, url)
    ):
        raise AuthError(
            f"source {source.name!r}: {normalize_url(url)} answered HTTP {response.status_code} "
            f"with the configured credentials; check {_variables(source)}"
        )
