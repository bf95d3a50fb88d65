"""Ingest: curated records, crawled pages and files into the document store.

Public names only; other packages import from ``ingest`` itself, never from its modules.
"""

from __future__ import annotations

from ingest.errors import (
    AuthError,
    CorpusError,
    ExtractionError,
    FetchError,
    IngestError,
    SourceConfigError,
    StoreError,
    StoreFullError,
)
from ingest.facts.freshness import FactAge, FreshnessStatus, fact_age
from ingest.fiche import CATEGORY_LABELS, CORPUS_SOURCE_ID, fiche_document, fiche_url
from ingest.records import (
    CATEGORIES,
    FACT_FIELDS,
    ROLES,
    Assurance,
    Audience,
    Document,
    DocumentKind,
    Institution,
    Location,
    Phone,
    Role,
    RoleScope,
)
from ingest.store import DocumentStore, UpsertOutcome

__all__ = [
    "CATEGORIES",
    "CATEGORY_LABELS",
    "CORPUS_SOURCE_ID",
    "FACT_FIELDS",
    "ROLES",
    "Assurance",
    "Audience",
    "AuthError",
    "CorpusError",
    "Document",
    "DocumentKind",
    "DocumentStore",
    "ExtractionError",
    "FactAge",
    "FetchError",
    "FreshnessStatus",
    "IngestError",
    "Institution",
    "Location",
    "Phone",
    "Role",
    "RoleScope",
    "SourceConfigError",
    "StoreError",
    "StoreFullError",
    "UpsertOutcome",
    "fact_age",
    "fiche_document",
    "fiche_url",
]
