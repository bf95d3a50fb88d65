"""The document store: one SQLite file (``documents.db``) with everything ingest keeps.

Public names only; callers import from ``ingest.store`` (or ``ingest``), never its modules.
"""

from __future__ import annotations

from ingest.store.database import is_disk_full
from ingest.store.documents import GONE_STRIKES_TO_CONFIRM, UpsertOutcome
from ingest.store.facade import DocumentStore
from ingest.store.ledger import CrawlRun, FrontierEntry, PageState
from ingest.store.proposals import (
    Decision,
    FactProposal,
    ProposalDraft,
    ProposalField,
    ProposalStatus,
    ProposalSync,
)
from ingest.store.schema import DOCUMENTS_SCHEMA

__all__ = [
    "DOCUMENTS_SCHEMA",
    "GONE_STRIKES_TO_CONFIRM",
    "CrawlRun",
    "Decision",
    "DocumentStore",
    "FactProposal",
    "FrontierEntry",
    "PageState",
    "ProposalDraft",
    "ProposalField",
    "ProposalStatus",
    "ProposalSync",
    "UpsertOutcome",
    "is_disk_full",
]
