"""The local website mirror's sites as configured: folders, ``_server.json``, credentials.

The mirror (``corpora/sites/``, written by ``scripts/mirror/generate.py``) is served by
:mod:`permanence.testing.sites`; this module holds what describes a site without serving it, so
that the generator's tests and the crawler benchmark can read configurations without a server.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import mimetypes
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request

from permanence.settings import PROJECT_ROOT

__all__ = [
    "ORIGIN_TOKEN",
    "SITES_ROOT",
    "AuthConfig",
    "LoggedRequest",
    "SiteConfig",
    "SiteConfigError",
    "available_sites",
    "not_modified",
    "query_slug",
    "resolve_credentials",
    "site_configs",
    "site_with_layout",
]

#: The committed mirror written by ``scripts/mirror/generate.py``.
SITES_ROOT = PROJECT_ROOT / "corpora" / "sites"

ORIGIN_TOKEN = b"__ORIGIN__"
_TEXT_TYPES = ("text/", "application/xml", "application/json", "application/xhtml+xml")
_EXTRA_TYPES = {
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".pdf": "application/pdf",
    ".htm": "text/html",
    ".aspx": "text/html",
    ".php": "text/html",
}
_STARTUP_TIMEOUT_S = 10.0


class SiteConfigError(ValueError):
    """A ``_server.json`` is invalid or a site cannot be served as asked; the message says why."""


class Redirect(BaseModel):
    """One configured redirect (``301`` unless told otherwise)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    to: str
    status: Literal[301, 302, 303, 307, 308] = 301


class QueryPages(BaseModel):
    """A dynamic-looking path answered from pre-rendered files, one per query value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    param: str
    dir: str
    missing: str


class AuthConfig(BaseModel):
    """Access control of a site: a login form with a session cookie, or HTTP basic auth."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["form", "basic"]
    realm: str = "Intranet"
    user_env: str
    password_env: str
    login_path: str = "/login"
    logout_path: str = "/logout"
    login_page: str = "login.html"
    cookie: str = "session"
    public_paths: list[str] = Field(default_factory=list)


class SiteConfig(BaseModel):
    """The content of one ``_server.json``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = ""
    layout: str = ""
    institution_id: str | None = None
    last_modified: datetime
    last_modified_paths: dict[str, datetime] = Field(default_factory=dict)
    redirects: dict[str, Redirect | str] = Field(default_factory=dict)
    status: dict[str, int] = Field(default_factory=dict)
    headers: dict[str, dict[str, str]] = Field(default_factory=dict)
    queries: dict[str, QueryPages] = Field(default_factory=dict)
    auth: AuthConfig | None = None

    @classmethod
    def load(cls, site_dir: Path) -> SiteConfig:
        """Read ``site_dir/_server.json``; a site without one gets plain static serving."""
        path = site_dir / "_server.json"
        if not path.exists():
            return cls(last_modified=datetime(2026, 1, 1, tzinfo=UTC))
        try:
            return cls.model_validate(json.loads(path.read_text(encoding="utf-8")))
        except ValueError as exc:
            raise SiteConfigError(f"{path} is not a valid site configuration: {exc}") from exc


@dataclass(frozen=True)
class LoggedRequest:
    """One request the server received, for tests that check what a crawler asked for."""

    site: str
    method: str
    path: str
    query: str
    headers: dict[str, str]
    status: int


@dataclass
class _Override:
    status: int | None
    body: bytes | None
    headers: dict[str, str]
    delay_s: float


@dataclass
class _Site:
    name: str
    root: Path
    config: SiteConfig
    credentials: tuple[str, str] | None
    origin: str = ""
    sessions: set[str] = field(default_factory=set)


def query_slug(value: str) -> str:
    """File name of a pre-rendered query page: lower case, no accents, runs of other chars → '-'.

    The generator names its pre-rendered search results with the same function, so keep both in
    step (``scripts/mirror`` has a copy; ``tests/mirror`` checks they agree).
    """
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _http_date(moment: datetime) -> str:
    return email.utils.format_datetime(moment.astimezone(UTC), usegmt=True)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def _content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    kind = (
        _EXTRA_TYPES.get(suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )
    if kind.startswith(_TEXT_TYPES) and "charset" not in kind:
        kind += "; charset=utf-8"
    return kind


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    candidates = [c.strip().removeprefix("W/") for c in header.split(",")]
    return etag in candidates


def resolve_credentials(
    name: str, config: SiteConfig, credentials: Mapping[str, tuple[str, str]]
) -> tuple[str, str] | None:
    if config.auth is None:
        return None
    if name in credentials:
        return credentials[name]
    user = os.environ.get(config.auth.user_env)
    password = os.environ.get(config.auth.password_env)
    if user and password:
        return (user, password)
    raise SiteConfigError(
        f"site {name!r} is protected ({config.auth.type} auth) but has no test credentials: pass "
        f"credentials={{{name!r}: (user, password)}} or set {config.auth.user_env} and "
        f"{config.auth.password_env}"
    )


def available_sites(root: Path) -> list[str]:
    return sorted(
        p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    )


def site_configs(root: Path = SITES_ROOT) -> dict[str, SiteConfig]:
    """Every site folder of ``root`` with its configuration, by folder name."""
    return {name: SiteConfig.load(root / name) for name in available_sites(root)}


def site_with_layout(layout: str, root: Path = SITES_ROOT) -> str:
    """Folder name of the institution site built with ``layout`` (e.g. ``"latin1"``).

    Folder names follow the corpus (the host of a record's website), layouts do not: tests that
    need "the site with a Latin-1 page" ask for the layout.

    Raises:
        SiteConfigError: no site of ``root`` has this layout.
    """
    configs = site_configs(root)
    for name, config in configs.items():
        if config.layout == layout:
            return name
    known = sorted({c.layout for c in configs.values() if c.layout})
    raise SiteConfigError(f"no site with layout {layout!r} under {root}; layouts: {known}")


def not_modified(request: Request, etag: str, modified: datetime) -> bool:
    """RFC 9110 §13.2.2: If-None-Match wins over If-Modified-Since when both are sent."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return _etag_matches(if_none_match, etag)
    since = request.headers.get("if-modified-since")
    if since is None:
        return False
    try:
        since_at = email.utils.parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if since_at.tzinfo is None:
        since_at = since_at.replace(tzinfo=UTC)
    return int(modified.timestamp()) <= int(since_at.timestamp())
