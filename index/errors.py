"""Errors of the index package.

::

    PermanenceError
    └── IndexingError
        ├── EmbedderError       a model cannot be loaded or fails on input
        ├── BackendError        the vector store cannot be opened, written or queried
        │   ├── IndexInUseError the embedded index is locked by another process
        │   └── IndexLockedError another writer is building or updating the index
        └── ModelMismatchError  a collection was built with other embedding models
"""

from __future__ import annotations

from permanence.errors import PermanenceError

__all__ = [
    "BackendError",
    "EmbedderError",
    "IndexInUseError",
    "IndexLockedError",
    "IndexingError",
    "ModelMismatchError",
]


class IndexingError(PermanenceError):
    """Base of the index errors."""


class EmbedderError(IndexingError):
    """An embedding model cannot be loaded or fails on its input."""


class BackendError(IndexingError):
    """The vector store cannot be opened, written or queried."""


class IndexInUseError(BackendError):
    """Another process (usually ``permanence serve``) holds the embedded index's lock.

    Qdrant Edge locks its write-ahead log for as long as a shard is open and has no read-only
    mode, so a second process cannot even read the index; callers turn this into advice.
    """


class IndexLockedError(BackendError):
    """A second writer: another process builds or updates the index (its writer lock is held).

    Two builds at once would race to publish; the second one is refused before it writes.
    """


class ModelMismatchError(IndexingError):
    """The collection records other embedding models than the ones configured.

    Querying it with other models would return nonsense silently; rebuild with
    ``permanence index --rebuild`` or configure the models it was built with.
    """
