"""The document store as callers see it: one object over one SQLite file, with every part.

Why one object made of parts: callers (the corpus sync, the crawler, the index, the API) open
one store and pass it around, while each part keeps one job in its own module — documents,
the crawl ledger, GSR fiches, institutions, metadata, fact proposals — over the connection of
:class:`~ingest.store.database.StoreDatabase`.
"""

from __future__ import annotations

from ingest.store.documents import Documents
from ingest.store.fiches import Fiches
from ingest.store.institutions import Institutions
from ingest.store.ledger import CrawlLedger
from ingest.store.metadata import Metadata
from ingest.store.proposals import FactProposals

__all__ = ["DocumentStore"]


class DocumentStore(Documents, CrawlLedger, Fiches, Institutions, Metadata, FactProposals):
    """Versioned documents, crawl bookkeeping and institution records in one SQLite file.

    Args:
        path: The database file (``documents.db``); its folder is created, and an older
            layout is migrated forward. ``":memory:"`` is allowed for tests.

    Raises:
        StoreError: the file cannot be opened or is not a database.
        SchemaError: the file was written by a newer Permanence.
    """
