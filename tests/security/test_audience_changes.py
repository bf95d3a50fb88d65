"""An audience correction takes effect on the next crawl and index (issue 22).

A source crawled as public, then corrected to professional in its configuration, used to stay
public: its pages were unchanged (same hash, no new version) and ``permanence index`` kept the
old payloads until ``--rebuild``. Here the site is crawled and indexed for real, answered from,
corrected, crawled and indexed again without ``--rebuild``, and asked again.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant_api.models import AskRequest
from assistant_api.runtime import open_runtime
from index import edge_index_path
from index.backends import EdgeIndex
from ingest import DocumentStore
from permanence.testing.sites import serve_sites
from tests.conftest import RESOURCES
from tests.security.crawled_data import crawl, index, settings_of, source_for

pytestmark = pytest.mark.slow

QUESTIONS = (
    ("J'ai des dettes, qui peut m'aider à faire un budget et négocier avec les créanciers ?", "fr"),
    ("Où déposer une demande d'aide sociale à Neuchâtel, au guichet social régional ?", "fr"),
    ("My mother has dementia, is there support for relatives from Alzheimer Neuchâtel?", "en"),
)


def _cited_site_urls(data_dir: Path, origin: str, audience: str) -> set[str]:
    runtime = open_runtime(settings_of(data_dir))
    try:
        cited: set[str] = set()
        for question, language in QUESTIONS:
            response = runtime.service.ask(
                AskRequest(question=question, language=language, audience=audience)  # type: ignore[arg-type]
            )
            cited |= {c.url for c in response.citations if c.url.startswith(origin)}
        return cited
    finally:
        runtime.close()


def _site_payloads(data_dir: Path, origin: str) -> list[dict[str, object]]:
    """The stored payloads of the site's chunks, read from the live index."""
    backend = EdgeIndex(edge_index_path(data_dir, "permanence"))
    backend.open({"use-m3": 512})
    try:
        by_url = backend.point_ids_by_url()
        ids = [i for url, ids in by_url.items() if url.startswith(origin) for i in ids]
        return list(backend.payloads(ids).values())
    finally:
        backend.close()


def _site_pages(data_dir: Path) -> list[str]:
    with DocumentStore(data_dir / "documents.db") as store:
        return [d.url for d in store.documents(status="active") if d.source_id == "site"]


def test_a_source_corrected_to_professional_leaves_public_answers(tmp_path: Path) -> None:
    with serve_sites("poisoned_site", root=RESOURCES) as sites:
        origin = sites["poisoned_site"]
        crawl(tmp_path, source_for(origin, name="site", audience="public"))
        index(tmp_path)
        assert {p["audience"] for p in _site_payloads(tmp_path, origin)} == {"public"}
        assert _cited_site_urls(tmp_path, origin, "public"), "the site must be cited at first"

        report = crawl(tmp_path, source_for(origin, name="site", audience="professional"))
        assert report.outcome_counts().get("new", 0) == 0  # the pages did not change
        assert report.reassigned == len(_site_pages(tmp_path))
        second = index(tmp_path)

    site_chunks = _site_payloads(tmp_path, origin)
    assert (second.added, second.deleted) == (0, 0)  # no re-embedding, no --rebuild
    assert second.updated == len(site_chunks)
    assert {p["audience"] for p in site_chunks} == {"professional"}
    assert _cited_site_urls(tmp_path, origin, "public") == set()
    assert _cited_site_urls(tmp_path, origin, "professional")
