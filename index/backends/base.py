"""The small interface every vector backend implements (style rule 10).

Fusion happens above the backend, in :mod:`index.fusion`, so the embedded and the server
backends only answer single-vector searches; that keeps their results comparable one to one
(congruence tests) and the fusion logic in one pure, tested place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from index.backends.builds import BuildMarker

__all__ = ["IndexedPoint", "SearchFilter", "SparseVec", "VectorHit", "VectorIndex"]


@dataclass(frozen=True, slots=True)
class SparseVec:
    indices: tuple[int, ...]
    values: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class IndexedPoint:
    """One chunk ready to store: dense vectors by model name, the sparse vector, the payload."""

    id: str
    dense: dict[str, list[float]]
    sparse: SparseVec
    payload: dict[str, object]


@dataclass(frozen=True, slots=True)
class SearchFilter:
    """Payload conditions every search applies. Empty ``categories`` means any category."""

    audiences: tuple[str, ...] = ("public",)
    categories: tuple[str, ...] = ()
    institution_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class VectorHit:
    """A search result; ``payload`` is empty when the search was asked for none."""

    id: str
    score: float
    payload: dict[str, object] = field(default_factory=dict)


class VectorIndex(Protocol):
    """Storage of chunk points with named dense vectors and one sparse vector ``bm25``."""

    def open(self, dense_dims: dict[str, int], *, rebuild: bool = False) -> None:
        """Create the collection, or open it and refuse it if built with other models."""

    def upsert(self, points: list[IndexedPoint]) -> None: ...

    def delete(self, ids: list[str]) -> None: ...

    def set_payloads(self, payloads: dict[str, dict[str, object]]) -> None:
        """Replace the payloads of stored points, vectors untouched (metadata corrections)."""

    def begin_build(self) -> None:
        """Take the writer lock and record that a build (full or incremental) is under way."""

    def finish_build(self, *, documents: int, chunks: int) -> None:
        """Record the finished build (and make a rebuild the live index); release the lock."""

    def build_marker(self) -> BuildMarker | None:
        """What the last build of the open index recorded; ``None`` when it recorded none."""

    def point_ids_by_url(self) -> dict[str, set[str]]:
        """Every stored point id grouped by document URL (for incremental sync)."""

    def search_dense(
        self,
        model: str,
        vector: list[float],
        flt: SearchFilter,
        limit: int,
        *,
        with_payload: bool = True,
    ) -> list[VectorHit]: ...

    def search_sparse(
        self, vector: SparseVec, flt: SearchFilter, limit: int, *, with_payload: bool = True
    ) -> list[VectorHit]: ...

    def payloads(self, ids: Sequence[str]) -> dict[str, dict[str, object]]:
        """The payloads of stored points by id (unknown ids are left out).

        A hybrid query reads the payloads of its several searches' hits in one call.
        """

    def count(self) -> int: ...

    def close(self) -> None: ...
