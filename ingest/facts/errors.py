"""Errors of the fact review; the subclasses let the console map them to 404 and 409.

::

    PermanenceError
    └── IngestError
        └── ReviewError               a proposal cannot be decided; nothing was changed
            ├── UnknownProposalError  no proposal has this id
            └── AlreadyDecidedError   the proposal was accepted, rejected or withdrawn
"""

from __future__ import annotations

from ingest.errors import IngestError

__all__ = ["AlreadyDecidedError", "ReviewError", "UnknownProposalError"]


class ReviewError(IngestError):
    """A proposal cannot be decided; the message says why and what to do. Nothing changed."""


class UnknownProposalError(ReviewError):
    """No proposal has this id."""


class AlreadyDecidedError(ReviewError):
    """The proposal is no longer pending (accepted, rejected or withdrawn)."""
