"""Crawl a site of the local mirror (``corpora/sites/``) as if it were the real one.

``make demo`` uses it to put the professionals' intranet into the index, so that the console's
"internal sources included" is true on a fresh machine: the mirror's intranet is served on
127.0.0.1 behind its own login, and the ordinary crawler logs in and fetches it, exactly as it
would crawl a real intranet. The login is a fresh random password for each run, known only to
this process (handed to the server and to the crawler, never written anywhere).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from ingest.crawl.config import SourceConfig
from ingest.errors import SourceConfigError
from permanence.testing.site_config import SITES_ROOT, SiteConfig, SiteConfigError
from permanence.testing.sites import serve_sites

__all__ = ["DEMO_MIRROR_PORT", "MirrorCrawl", "serving_mirror"]

#: Where the demo serves a mirror site while crawling it. Fixed, so that the stored URLs (and
#: hence the documents and chunks) are the same at every ``make demo``; a re-run is then an
#: unchanged re-crawl. Another port: ``permanence crawl --mirror intranet --mirror-port N``.
DEMO_MIRROR_PORT = 8010

_USER = "demo-crawler"
_USER_ENV = "PERMANENCE_MIRROR_USER"
_PASSWORD_ENV = "PERMANENCE_MIRROR_PASSWORD"


@dataclass(frozen=True, slots=True)
class MirrorCrawl:
    """The source to crawl and the credentials the crawler reads it with."""

    source: SourceConfig
    env: Mapping[str, str]
    origin: str

    @property
    def login(self) -> tuple[str, str]:
        """User and one-time password of the served site (for a person to sign in with)."""
        return self.env[_USER_ENV], self.env[_PASSWORD_ENV]


def _source(name: str, origin: str, config: SiteConfig) -> SourceConfig:
    spec: dict[str, object] = {
        "name": f"mirror-{name}",
        "kind": "web",
        "start_urls": [f"{origin}/"],
        "max_depth": 4,
        "max_pages": 500,
        "rate": {"concurrency": 4, "delay_s": 0.0},
        "retry": {"max_retries": 0, "backoff_s": 0.0, "retry_after_cap_s": 0.0},
    }
    auth = config.auth
    if auth is not None:
        login: dict[str, str] = {"method": auth.type}
        login |= {"username_env": _USER_ENV, "password_env": _PASSWORD_ENV}
        if auth.type == "form":
            login["login_url"] = origin + auth.login_path
        spec |= {"kind": "intranet", "audience": "professional", "auth": login}
    return SourceConfig.model_validate(spec)


@contextmanager
def serving_mirror(name: str, *, port: int = DEMO_MIRROR_PORT) -> Iterator[MirrorCrawl]:
    """Serve mirror site ``name`` on ``127.0.0.1:port`` while the block crawls it (or, in
    the demo, while the API runs, so that the intranet's citations open).

    Raises:
        SourceConfigError: no such site in the mirror, or it cannot be served on ``port``.
    """
    if not (SITES_ROOT / name).is_dir() or name.startswith(("_", ".")):
        known = sorted(p.name for p in SITES_ROOT.iterdir() if (p / "_server.json").is_file())
        raise SourceConfigError(f"no mirror site {name!r}; mirror sites: {', '.join(known)}")
    password = secrets.token_urlsafe(18)
    try:
        with serve_sites(name, credentials={name: (_USER, password)}, ports={name: port}) as served:
            config = SiteConfig.load(SITES_ROOT / name)
            env = {_USER_ENV: _USER, _PASSWORD_ENV: password}
            origin = served[name]
            yield MirrorCrawl(source=_source(name, origin, config), env=env, origin=origin)
    except SiteConfigError as exc:
        raise SourceConfigError(f"cannot serve the mirror site {name!r}: {exc}") from exc
