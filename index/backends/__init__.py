"""Vector storage backends behind one Protocol: embedded Qdrant Edge and Qdrant server."""

from __future__ import annotations

from index.backends.base import IndexedPoint, SearchFilter, SparseVec, VectorHit, VectorIndex
from index.backends.builds import BuildMarker
from index.backends.edge import EdgeIndex, stored_chunk_count
from index.backends.server import ServerIndex

__all__ = [
    "BuildMarker",
    "EdgeIndex",
    "IndexedPoint",
    "SearchFilter",
    "ServerIndex",
    "SparseVec",
    "VectorHit",
    "VectorIndex",
    "stored_chunk_count",
]
