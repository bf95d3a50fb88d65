"""The sources file (``corpora/sources.yaml`` or ``--config FILE``) as validated models.

Why a model and not a dict: a typo in a source (``max_page``) must stop the crawl with a message
naming the source and the key, not silently crawl the whole web. Credentials never live in the
file: an intranet source names the environment variables that hold them, and
:meth:`AuthConfig.resolve` reads them into ``SecretStr`` values that never print.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from ingest.errors import SourceConfigError
from ingest.records import Audience

__all__ = [
    "USER_AGENT",
    "AuthConfig",
    "BasicAuthConfig",
    "BearerAuthConfig",
    "Credentials",
    "FormAuthConfig",
    "LimitsConfig",
    "RateConfig",
    "RetryConfig",
    "RobotsConfig",
    "SourceConfig",
    "SourceKind",
    "SourcesFile",
    "load_sources",
]

#: Sent with every request so that webmasters know who crawls and where to complain.
USER_AGENT = "Permanence/0.1 (+https://github.com/permanence-ne/permanence)"

SourceKind = Literal["gsr", "web", "intranet", "files"]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RateConfig(_Strict):
    """Politeness per host: parallel requests and the pause between two request starts."""

    concurrency: int = Field(default=2, ge=1, le=16)
    delay_s: float = Field(default=1.0, ge=0.0, le=60.0)


class RetryConfig(_Strict):
    """Retries on 429, 5xx, timeouts and connection errors, with exponential backoff."""

    max_retries: int = Field(default=3, ge=0, le=10)
    backoff_s: float = Field(default=1.0, ge=0.0, le=60.0)
    retry_after_cap_s: float = Field(default=60.0, ge=0.0, le=3600.0)


class LimitsConfig(_Strict):
    """Limits that protect the crawler from hostile or broken servers."""

    max_bytes: int = Field(default=20_000_000, ge=1024)
    timeout_s: float = Field(default=20.0, gt=0.0, le=300.0)
    total_timeout_s: float = Field(default=120.0, gt=0.0, le=3600.0)
    max_redirects: int = Field(default=5, ge=0, le=20)


class RobotsConfig(_Strict):
    """robots.txt handling (RFC 9309); ``cache_ttl_s`` is capped at 24 h by the RFC."""

    respect: bool = True
    cache_ttl_s: float = Field(default=86_400.0, ge=0.0, le=86_400.0)


class Credentials(_Strict):
    """Resolved secrets; ``SecretStr`` keeps them out of reprs, logs and reports."""

    username: SecretStr | None = None
    password: SecretStr | None = None
    token: SecretStr | None = None


def _read_env(name: str, source: str, env: Mapping[str, str]) -> SecretStr:
    value = env.get(name)
    if not value:
        raise SourceConfigError(
            f"source {source!r}: environment variable {name} is not set; export it with the "
            "credential (the sources file only names the variable, never holds the secret)"
        )
    return SecretStr(value)


class BasicAuthConfig(_Strict):
    """HTTP basic authentication; the variables hold user name and password."""

    method: Literal["basic"]
    username_env: str
    password_env: str

    def resolve(self, source: str, env: Mapping[str, str]) -> Credentials:
        return Credentials(
            username=_read_env(self.username_env, source, env),
            password=_read_env(self.password_env, source, env),
        )


class BearerAuthConfig(_Strict):
    """A bearer token sent as ``Authorization: Bearer …``."""

    method: Literal["bearer"]
    token_env: str

    def resolve(self, source: str, env: Mapping[str, str]) -> Credentials:
        return Credentials(token=_read_env(self.token_env, source, env))


class FormAuthConfig(_Strict):
    """A login form posted once; the session cookie it sets is reused for the crawl.

    Login succeeds when the answer is 2xx/3xx, does not land back on ``login_url``, does not
    contain ``failure_text`` and, when ``check_url`` is given, that URL then answers 200
    without sending us back to the login page.
    """

    method: Literal["form"]
    login_url: str
    username_env: str
    password_env: str
    username_field: str = "username"
    password_field: str = "password"
    extra_fields: dict[str, str] = Field(default_factory=dict)
    failure_text: str | None = None
    check_url: str | None = None

    def resolve(self, source: str, env: Mapping[str, str]) -> Credentials:
        return Credentials(
            username=_read_env(self.username_env, source, env),
            password=_read_env(self.password_env, source, env),
        )


AuthConfig = Annotated[
    BasicAuthConfig | BearerAuthConfig | FormAuthConfig, Field(discriminator="method")
]


class SourceConfig(_Strict):
    """One source to crawl; ``name`` is its ``source_id`` in the document store."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    kind: SourceKind
    start_urls: list[str] = Field(default_factory=list)
    sitemaps: list[str] = Field(default_factory=list)
    paths: list[Path] = Field(default_factory=list, description="Files or folders (kind files).")
    allowed_hosts: list[str] = Field(default_factory=list)
    allowed_prefixes: list[str] = Field(default_factory=lambda: ["/"])
    max_depth: int = Field(default=5, ge=0, le=50)
    max_pages: int = Field(default=1000, ge=1, le=1_000_000)
    audience: Audience | None = None
    institution_id: str | None = None
    rate: RateConfig = Field(default_factory=RateConfig)
    retry: RetryConfig = Field(default_factory=RetryConfig)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)
    robots: RobotsConfig = Field(default_factory=RobotsConfig)
    auth: AuthConfig | None = None

    @model_validator(mode="after")
    def _check(self) -> SourceConfig:
        if self.kind == "files":
            if not self.paths:
                raise ValueError("a 'files' source needs 'paths'")
        elif not (self.start_urls or self.sitemaps):
            raise ValueError(f"a {self.kind!r} source needs 'start_urls' or 'sitemaps'")
        for url in [*self.start_urls, *self.sitemaps]:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"URL {url!r} must be an absolute http(s) URL")
        if self.auth is not None and self.kind != "intranet":
            raise ValueError(f"'auth' is only allowed on intranet sources, not on {self.kind!r}")
        for prefix in self.allowed_prefixes:
            if not prefix.startswith("/"):
                raise ValueError(f"allowed prefix {prefix!r} must start with '/'")
        return self

    @property
    def effective_audience(self) -> Audience:
        """Intranets are professional unless the file says otherwise; the rest is public."""
        if self.audience is not None:
            return self.audience
        return "professional" if self.kind == "intranet" else "public"

    @property
    def hosts(self) -> frozenset[str]:
        """Allowed ``host[:port]`` values, lower-cased; defaults to the start URLs' hosts."""
        if self.allowed_hosts:
            return frozenset(h.lower() for h in self.allowed_hosts)
        return frozenset(urlsplit(u).netloc.lower() for u in [*self.start_urls, *self.sitemaps])

    def credentials(self, env: Mapping[str, str] | None = None) -> Credentials | None:
        """The secrets for ``auth``, read from the environment; ``None`` without auth."""
        if self.auth is None:
            return None
        return self.auth.resolve(self.name, os.environ if env is None else env)


class SourcesFile(_Strict):
    """The whole sources file."""

    sources: list[SourceConfig]

    @model_validator(mode="after")
    def _unique(self) -> SourcesFile:
        names = [s.name for s in self.sources]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"source names must be unique; repeated: {duplicates}")
        return self

    def select(self, name: str | None) -> list[SourceConfig]:
        """All sources, or the one called ``name``."""
        if name is None:
            return list(self.sources)
        for source in self.sources:
            if source.name == name:
                return [source]
        known = ", ".join(s.name for s in self.sources)
        raise SourceConfigError(f"no source named {name!r}; known sources: {known}")


def load_sources(path: Path) -> SourcesFile:
    """Read and validate a sources file.

    Raises:
        SourceConfigError: the file is missing, not YAML, or a source is malformed.
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourceConfigError(f"cannot read sources file {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise SourceConfigError(f"sources file {path} is not valid YAML: {exc}") from exc
    try:
        return SourcesFile.model_validate(raw)
    except ValidationError as exc:
        raise SourceConfigError(f"sources file {path} is malformed:\n{exc}") from exc
