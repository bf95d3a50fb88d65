"""Errors of the ingest package.

::

    PermanenceError
    └── IngestError
        ├── StoreError        the document store cannot be opened or written
        │   └── StoreFullError    the disk (or the file's size cap) is full: nothing was written
        ├── CorpusError       a curated record or table is malformed
        ├── SourceConfigError sources.yaml (or --config) is malformed
        ├── FetchError        a URL could not be fetched (carries url and status)
        ├── AuthError         intranet login failed (never carries the credentials)
        └── ExtractionError   a fetched body could not be turned into text
"""

from __future__ import annotations

from permanence.errors import PermanenceError

__all__ = [
    "AuthError",
    "CorpusError",
    "ExtractionError",
    "FetchError",
    "IngestError",
    "SourceConfigError",
    "StoreError",
    "StoreFullError",
]


class IngestError(PermanenceError):
    """Base of the ingest errors."""


class StoreError(IngestError):
    """The document store cannot be opened or written."""


class StoreFullError(StoreError):
    """SQLite reported SQLITE_FULL: the write was rolled back; free disk space and retry."""


class CorpusError(IngestError):
    """A curated record or table is malformed; the message names the file and the field."""


class SourceConfigError(IngestError):
    """The sources file is malformed; the message names the source and the key."""


class FetchError(IngestError):
    """A URL could not be fetched after retries."""

    def __init__(self, message: str, *, url: str, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class AuthError(IngestError):
    """An intranet login failed; never includes the credentials."""


class ExtractionError(IngestError):
    """A fetched body could not be turned into text."""
