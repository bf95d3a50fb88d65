"""The HTTP client of a crawl: user agent, timeouts, connection limits and auth headers.

Built once per source from its configuration and injected into the fetcher, so tests can pass
their own transport and no module holds a global pool. Redirects are never followed by the
client: the crawler follows them hop by hop to check scope, robots and loops.
"""

from __future__ import annotations

import httpx

from ingest.crawl.config import (
    USER_AGENT,
    BasicAuthConfig,
    BearerAuthConfig,
    Credentials,
    SourceConfig,
)

__all__ = ["ACCEPT_LANGUAGE", "build_client"]

#: Neuchâtel is French-speaking; ask for French first when a site negotiates.
ACCEPT_LANGUAGE = "fr-CH,fr;q=0.9,de;q=0.5,it;q=0.4,en;q=0.3"
_ACCEPT = (
    "text/html,application/xhtml+xml,application/pdf,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
    "text/plain;q=0.9,application/xml;q=0.8,*/*;q=0.1"
)


def build_client(
    source: SourceConfig,
    credentials: Credentials | None,
    *,
    user_agent: str = USER_AGENT,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """An async client configured for ``source``.

    Args:
        source: Timeouts and politeness come from here.
        credentials: Resolved secrets for basic or bearer auth (form login happens later).
        user_agent: Names the project and a contact URL, as polite crawlers do.
        transport: Injected in tests; ``None`` uses httpx's default.
    """
    headers = {"User-Agent": user_agent, "Accept": _ACCEPT, "Accept-Language": ACCEPT_LANGUAGE}
    auth: httpx.Auth | None = None
    if credentials is not None and isinstance(source.auth, BasicAuthConfig):
        if credentials.username is None or credentials.password is None:
            raise ValueError(f"source {source.name!r}: basic auth needs a user name and password")
        auth = httpx.BasicAuth(
            credentials.username.get_secret_value(), credentials.password.get_secret_value()
        )
    if credentials is not None and isinstance(source.auth, BearerAuthConfig):
        if credentials.token is None:
            raise ValueError(f"source {source.name!r}: bearer auth needs a token")
        headers["Authorization"] = f"Bearer {credentials.token.get_secret_value()}"
    timeout = httpx.Timeout(source.limits.timeout_s)
    limits = httpx.Limits(
        max_connections=max(4, source.rate.concurrency * 4),
        max_keepalive_connections=max(2, source.rate.concurrency * 2),
    )
    return httpx.AsyncClient(
        headers=headers,
        auth=auth,
        timeout=timeout,
        limits=limits,
        follow_redirects=False,
        transport=transport,
        trust_env=transport is None,
    )
