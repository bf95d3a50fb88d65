"""Link a document to its institution by the website domain the curated records give.

A page of ``www.caritas-neuchatel.ch`` is about Caritas Neuchâtel; knowing that lets the
answer layer cite the page under the right institution. Hosts match with and without
``www.``; a sub-domain matches its parent (``shop.example.ch`` → ``example.ch``) unless a more
specific entry exists. Domains shared by several institutions (``www.ne.ch`` hosts dozens of
cantonal services) link nothing: guessing would be worse than not knowing.
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


def _bare(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def load_institutions(folder: Path) -> list[Institution]:
    """Every ``*.yaml`` record of ``folder`` (the curated corpus).

    Raises:
        CorpusError: a file is not YAML or not a valid Institution.
    """
    records: list[Institution] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            records.append(Institution.model_validate(yaml.safe_load(path.read_text("utf-8"))))
        except (yaml.YAMLError, ValidationError) as exc:
            raise CorpusError(f"{path}: not a valid institution record: {exc}") from exc
    return records


class InstitutionLinker:
    """Map a URL's host to the one institution whose website lives there.

    Args:
        domains: ``host[:port]`` → institution id; ``www.`` is ignored.
    """

    def __init__(self, domains: Mapping[str, str]) -> None:
        self._domains = {_bare(host): institution for host, institution in domains.items()}

    @classmethod
    def from_institutions(cls, institutions: Iterable[Institution]) -> InstitutionLinker:
        """Build the map from records; a domain claimed by two institutions is left out."""
        claims: dict[str, set[str]] = {}
        for institution in institutions:
            if institution.website:
                host = urlsplit(institution.website).netloc
                if host:
                    claims.setdefault(_bare(host), set()).add(institution.id)
        shared = sorted(host for host, ids in claims.items() if len(ids) > 1)
        if shared:
            logger.info("domains shared by several institutions link nothing: %s", shared)
        return cls({host: next(iter(ids)) for host, ids in claims.items() if len(ids) == 1})

    def __len__(self) -> int:
        return len(self._domains)

    def institution_for(self, url: str) -> str | None:
        """The institution id for ``url``, or ``None`` when no single one owns its domain."""
        host = _bare(urlsplit(url).netloc)
        while host:
            if host in self._domains:
                return self._domains[host]
            if "." not in host or host.replace(".", "").split(":")[0].isdigit():
                return None
            host = host.split(".", 1)[1]
            if "." not in host:
                return None
        return None
