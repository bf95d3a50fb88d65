"""The root of every error the project raises on purpose.

::

    PermanenceError
    ├── ingest.errors.IngestError        (crawl, extraction, document store, corpus)
    ├── index.errors.IndexError_          (embedding, vector backends, retrieval)
    └── assistant_api.errors.AssistantError (composition, LLM, voice)

Catching ``PermanenceError`` at an entry point separates "we said no, and why" from bugs.
"""

from __future__ import annotations

__all__ = ["ConfigurationError", "PermanenceError"]


class PermanenceError(Exception):
    """Base of all project errors; the message says what went wrong and what to do."""


class ConfigurationError(PermanenceError):
    """A setting is missing, malformed or unsafe."""
