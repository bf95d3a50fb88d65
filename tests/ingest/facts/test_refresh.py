"""Which stored documents are an institution's pages, and what a refresh reads from them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest import CORPUS_SOURCE_ID, Document, Institution
from ingest.facts import institution_pages, refresh_proposals
from ingest.store import DocumentStore

pytestmark = pytest.mark.integration

T = datetime(2026, 12, 1, tzinfo=UTC)
RECORD = Institution.model_validate(
    {
        "id": "ligue",
        "name": "Ligue",
        "categories": ["sante"],
        "description": "A test record whose website is where its pages are found by domain.",
        "website": "https://ligue.test",
        "sources": ["https://ligue.test"],
        "last_verified": "2026-11-22",
    }
)


def _doc(url: str, text: str, **fields: object) -> Document:
    base: dict[str, object] = {
        "url": url,
        "source_id": "web",
        "kind": "web",
        "title": "t",
        "text": text,
        "content_hash": url,
        "fetched_at": T,
    }
    return Document.model_validate({**base, **fields})


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DocumentStore]:
    with DocumentStore(tmp_path / "documents.db") as opened:
        opened.upsert(_doc("https://ligue.test/contact", "Téléphone 032 721 23 25"))
        opened.upsert(
            _doc(
                "https://intranet.test/p",
                "Contact: 032 886 80 70",
                kind="intranet",
                audience="professional",
                institution_id="ligue",
            )
        )
        opened.upsert(
            _doc(
                "https://x.test/fiche",
                "Tél. 032 717 74 30",
                source_id=CORPUS_SOURCE_ID,
                institution_id="ligue",
            )
        )
        opened.upsert(_doc("https://other.test/", "Tél. 032 717 74 39"))
        yield opened


def test_pages_by_domain_without_intranet_or_corpus_fiches(store: DocumentStore) -> None:
    pages = institution_pages(store, [RECORD])
    assert list(pages) == ["ligue"]
    (page,) = pages["ligue"]
    assert page.url == "https://ligue.test/contact"
    assert [(f.kind, f.value) for f in page.facts] == [("phone", "+41 32 721 23 25")]
    assert page.fetched_at == T


def test_professional_pages_only_when_asked(store: DocumentStore) -> None:
    pages = institution_pages(store, [RECORD], include_professional=True)
    assert sorted(p.url for p in pages["ligue"]) == [
        "https://intranet.test/p",
        "https://ligue.test/contact",
    ]


def test_refresh_uses_the_stored_facts_of_a_page_over_its_text(store: DocumentStore) -> None:
    store.put_page_facts("https://ligue.test/contact", "[]", page_date=None, extracted_at=T)
    report = refresh_proposals(store, [RECORD], now=T)
    assert (report.institutions_with_pages, report.pages, report.drafts) == (1, 1, 0)
    store.put_page_facts(
        "https://ligue.test/contact",
        '[{"kind": "email", "value": "LNCC@ne.ch", "source_url": "https://ligue.test/contact",'
        ' "snippet": "LNCC(at)ne.ch", "page_date": "2026-10-14"}]',
        page_date="2026-10-14",
        extracted_at=T,
    )
    report = refresh_proposals(store, [RECORD], now=T)
    assert report.sync.added == 1
    (proposal,) = store.proposals()
    assert (proposal.field, proposal.status, proposal.value, proposal.page_date) == (
        "email",
        "new",
        "LNCC@ne.ch",
        "2026-10-14",
    )
    assert proposal.seen_at == T
