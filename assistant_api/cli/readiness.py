"""Is there anything to answer from? Checked before the models load.

An empty data dir used to load every model, create an empty store and index in passing, and
answer "no answer" whose last sentence ("the regional social counter can help:") named no
counter. Here it is one line that says how to build the index, in about a second.
"""

from __future__ import annotations

from pathlib import Path

from index import edge_index_path, stored_chunk_count
from ingest import DocumentStore
from permanence.errors import PermanenceError
from permanence.settings import Settings

__all__ = ["NoIndexError", "check_data_dir", "require_chunks", "shown_path"]


class NoIndexError(PermanenceError):
    """The data dir has no stored documents or no (or an empty) index."""


def shown_path(path: Path) -> str:
    """``path`` as the user would type it: relative when under the working directory."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def require_chunks(count: int | None, data_dir: Path) -> None:
    """Raise :class:`NoIndexError` unless the index holds chunks (``None``: no index at all)."""
    if not count:
        raise NoIndexError(
            f"no index in {shown_path(data_dir)}: build it with `make data` "
            "(or `permanence ingest && permanence index`)"
        )


def check_data_dir(settings: Settings) -> None:
    """Raise unless the data dir holds stored documents and, when embedded, a built index.

    Nothing is created: a missing store is not opened. An index on a Qdrant server is only
    counted once opened (call :func:`require_chunks` then).

    Raises:
        NoIndexError: nothing to answer from; the message says how to build it.
        index.IndexInUseError: another process (a running server) holds the embedded index.
    """
    require_chunks(_stored_documents(settings.store_path), settings.data_dir)
    if not settings.qdrant_url:
        path = edge_index_path(settings.data_dir, settings.collection)
        require_chunks(stored_chunk_count(path), settings.data_dir)


def _stored_documents(path: Path) -> int:
    if not path.exists():
        return 0
    store = DocumentStore(path)
    try:
        return store.count(status="active")
    finally:
        store.close()
