"""Link a document to its institution by the website the curated records give.

A page of ``www.caritas-neuchatel.ch`` is about Caritas Neuchâtel; knowing that lets the
answer layer cite the page under the right institution. A website is a host plus a path
prefix (``csp.ch/neuchatel`` is not ``csp.ch/vaud``): the longest matching prefix wins, hosts
match with and without ``www.``, and a sub-domain matches its parent. A website claimed by
several institutions (``www.ne.ch`` hosts dozens of cantonal services) links nothing: guessing
would be worse than not knowing.

A page can also say which institution it is about: an element carrying
``data-institution-id`` (the GSR fiche contract, also used by the intranet's "network contact"
blocks). When the URL links nothing, a page that declares exactly one known institution is
linked to it; a page that declares several (a table of offices) stays unlinked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from pydantic import ValidationError

from ingest.errors import CorpusError
from ingest.records import Institution

__all__ = ["InstitutionLinker", "load_institutions"]

logger = logging.getLogger(__name__)


#: libyaml's safe loader when built with it (10x faster on the 185 records), else pure Python.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _bare(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def _key(url: str) -> tuple[str, str]:
    """``(host, path prefix)`` of a website URL; the prefix has no trailing slash."""
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    return _bare(parts.netloc), parts.path.rstrip("/")


def load_institutions(folder: Path) -> list[Institution]:
    """Every ``*.yaml`` record of ``folder`` (the curated corpus).

    Raises:
        CorpusError: a file is not YAML or not a valid Institution.
    """
    records: list[Institution] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.load(path.read_text("utf-8"), Loader=_LOADER)  # a safe loader
            records.append(Institution.model_validate(data))
        except (yaml.YAMLError, ValidationError) as exc:
            raise CorpusError(f"{path}: not a valid institution record: {exc}") from exc
    return records


class InstitutionLinker:
    """Map a URL to the one institution whose website contains it.

    Args:
        websites: Website (``host[:port][/path]``, scheme optional) → institution id.
    """

    def __init__(self, websites: Mapping[str, str], known_ids: Iterable[str] = ()) -> None:
        self._sites: dict[tuple[str, str], str] = {
            _key(site): institution for site, institution in websites.items()
        }
        self._known = frozenset(known_ids) | frozenset(self._sites.values())

    def link(self, url: str, declared: Iterable[str] = ()) -> str | None:
        """The institution of ``url``'s website, else the one known institution the page
        declares; ``None`` when neither says (no site, several declared, unknown ids)."""
        known = {i for i in declared if i in self._known}
        return self.institution_for(url) or (next(iter(known)) if len(known) == 1 else None)

    @classmethod
    def from_institutions(cls, institutions: Iterable[Institution]) -> InstitutionLinker:
        """Build the map from records.

        A website claimed by several institutions goes to the one whose id is the site's
        name (``caritas-neuchatel`` for ``caritas-neuchatel.ch``), else to none of them.
        """
        institutions = list(institutions)
        claims: dict[tuple[str, str], set[str]] = {}
        for institution in institutions:
            if institution.website:
                claims.setdefault(_key(institution.website), set()).add(institution.id)
        sites: dict[tuple[str, str], str] = {}
        shared: list[str] = []
        for (host, prefix), ids in claims.items():
            owner = host.split(".")[0].split(":")[0]
            if len(ids) == 1:
                sites[(host, prefix)] = next(iter(ids))
            elif owner in ids:
                sites[(host, prefix)] = owner
            else:
                shared.append(f"{host}{prefix}")
        if shared:
            logger.info("websites shared by several institutions link nothing: %s", sorted(shared))
        linker = cls({}, known_ids=[i.id for i in institutions])
        linker._sites = sites
        return linker

    def __len__(self) -> int:
        return len(self._sites)

    def institution_for(self, url: str) -> str | None:
        """The institution id for ``url``, or ``None`` when no single one owns it."""
        host, path = _key(url)
        while host:
            best: tuple[int, str] | None = None
            for (site_host, prefix), institution in self._sites.items():
                inside = not prefix or path == prefix or path.startswith(prefix + "/")
                if site_host == host and inside and (best is None or len(prefix) > best[0]):
                    best = (len(prefix), institution)
            if best is not None:
                return best[1]
            if "." not in host or host.replace(".", "").split(":")[0].isdigit():
                return None
            host = host.split(".", 1)[1]
            if "." not in host:
                return None
        return None
