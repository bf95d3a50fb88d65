"""``permanence facts refresh``: compare every institution's crawled pages with its record.

The pages of an institution are the stored documents linked to it — by the ``institution_id``
the crawl gave them (a GSR fiche, a source configured for one institution, a page declaring
``data-institution-id``) or, failing that, by the website domain of the records
(:class:`~ingest.extract.InstitutionLinker`). The curated corpus's own fiche documents are left
out: they are the record itself and would only agree with it. So are the professionals'
pages (intranets) unless asked for: an accepted fact cites its page in the public record.

A page's facts are those the crawl read from its HTML; a document without them (a PDF, a page
stored before facts were read) is read from its stored text, which has no links or markup.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ingest.extract import InstitutionLinker
from ingest.facts.compare import InstitutionPage, compare_institution
from ingest.facts.models import facts_from_json
from ingest.facts.page import text_facts
from ingest.fiche import CORPUS_SOURCE_ID
from ingest.records import Institution
from ingest.store import DocumentStore, ProposalSync

__all__ = ["RefreshReport", "institution_pages", "refresh_proposals"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RefreshReport:
    """What one refresh looked at and what it stored."""

    institutions: int
    institutions_with_pages: int
    pages: int
    drafts: int
    sync: ProposalSync


def institution_pages(
    store: DocumentStore,
    institutions: Sequence[Institution],
    *,
    include_professional: bool = False,
) -> dict[str, list[InstitutionPage]]:
    """Institution id → its crawled pages with their facts (see the module rules)."""
    known = {i.id for i in institutions}
    linker = InstitutionLinker.from_institutions(institutions)
    stored = store.page_facts()
    pages: dict[str, list[InstitutionPage]] = defaultdict(list)
    for document in store.documents(status=None):
        if document.source_id == CORPUS_SOURCE_ID:
            continue
        if document.audience == "professional" and not include_professional:
            continue
        owner = document.institution_id or linker.institution_for(document.url)
        if owner is None or owner not in known:
            continue
        if document.url in stored:
            facts = tuple(facts_from_json(stored[document.url][0]))
        else:
            facts = tuple(text_facts(document.text, document.url, language=document.language))
        pages[owner].append(
            InstitutionPage(
                url=document.url,
                facts=facts,
                fetched_at=document.fetched_at,
                gone=document.status == "gone",
            )
        )
    return dict(pages)


def refresh_proposals(
    store: DocumentStore,
    institutions: Sequence[Institution],
    *,
    only: str | None = None,
    include_professional: bool = False,
    now: datetime | None = None,
) -> RefreshReport:
    """Compare each institution's pages with its record and store the proposals.

    Institutions without any crawled page are left as they are (their pending proposals
    too): no page is no evidence.

    Args:
        store: The document store with the crawled pages; proposals are written to it.
        institutions: The curated records (read from the corpus folder, which accepting
            writes to, not from the store).
        only: Refresh this institution id alone.
        include_professional: Also read the professionals' pages (intranets).
        now: The time of the refresh (tests pass one).
    """
    selected = [i for i in institutions if only is None or i.id == only]
    pages = institution_pages(store, institutions, include_professional=include_professional)
    drafts = []
    refreshed = []
    for record in selected:
        own = pages.get(record.id, [])
        if not own:
            continue
        refreshed.append(record.id)
        drafts.extend(compare_institution(record, own))
    sync = store.sync_proposals(drafts, institution_ids=refreshed, seen_at=now)
    report = RefreshReport(
        institutions=len(selected),
        institutions_with_pages=len(refreshed),
        pages=sum(len(pages.get(i, [])) for i in refreshed),
        drafts=len(drafts),
        sync=sync,
    )
    logger.info("facts refresh: %s", report)
    return report
