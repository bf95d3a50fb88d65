"""Server backend: a Qdrant server or cluster through ``qdrant-client``.

Chosen when ``PERMANENCE_QDRANT_URL`` is set. The same class runs against qdrant-client's local
mode (``location=":memory:"`` or a path) in tests, which speaks the same API as a server.
The models a collection was built with are kept in a one-point side collection ``<name>_meta``.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from dataclasses import asdict

from qdrant_client import QdrantClient, models

from index.backends.base import IndexedPoint, SearchFilter, SparseVec, VectorHit
from index.backends.builds import BuildMarker
from index.errors import BackendError, ModelMismatchError

__all__ = ["ServerIndex"]

SPARSE_NAME = "bm25"
_META_ID = str(uuid.UUID(int=1))


def _filter(flt: SearchFilter) -> models.Filter:
    must: list[models.Condition] = [
        models.FieldCondition(key="audience", match=models.MatchAny(any=list(flt.audiences)))
    ]
    if flt.categories:
        must.append(
            models.FieldCondition(key="categories", match=models.MatchAny(any=list(flt.categories)))
        )
    if flt.institution_ids:
        must.append(
            models.FieldCondition(
                key="institution_id", match=models.MatchAny(any=list(flt.institution_ids))
            )
        )
    return models.Filter(must=must)


class ServerIndex:
    """A collection on a Qdrant server (``url``) or in qdrant-client local mode (``location``)."""

    def __init__(
        self,
        *,
        collection: str,
        url: str | None = None,
        api_key: str | None = None,
        location: str | None = None,
        path: str | None = None,
    ) -> None:
        if sum(x is not None for x in (url, location, path)) != 1:
            raise ValueError("give exactly one of url, location or path")
        self._collection = collection
        self._meta_collection = f"{collection}_meta"
        self._client_args = {"url": url, "api_key": api_key, "location": location, "path": path}
        self._client: QdrantClient | None = None
        self._lock = threading.RLock()

    @property
    def client(self) -> QdrantClient:
        if self._client is None:
            raise BackendError(f"collection {self._collection} is not open; call open() first")
        return self._client

    def open(self, dense_dims: dict[str, int], *, rebuild: bool = False) -> None:
        args = self._client_args
        with self._lock:
            try:
                if args["url"] is not None:
                    self._client = QdrantClient(url=args["url"], api_key=args["api_key"])
                elif args["path"] is not None:
                    self._client = QdrantClient(path=args["path"])
                else:
                    self._client = QdrantClient(location=args["location"])
                client = self._client
                if rebuild:
                    for name in (self._collection, self._meta_collection):
                        if client.collection_exists(name):
                            client.delete_collection(name)
                if client.collection_exists(self._collection):
                    recorded = self._recorded_models()
                    if recorded != dense_dims:
                        raise ModelMismatchError(
                            f"collection {self._collection} was built with {recorded}, configured "
                            f"now: {dense_dims}; run `permanence index --rebuild`"
                        )
                    return
                client.create_collection(
                    self._collection,
                    vectors_config={
                        name: models.VectorParams(size=dim, distance=models.Distance.COSINE)
                        for name, dim in dense_dims.items()
                    },
                    sparse_vectors_config={
                        SPARSE_NAME: models.SparseVectorParams(modifier=models.Modifier.IDF)
                    },
                )
                # Payload indexes make filtered search fast on a server; local mode has none
                # (and warns), so they are created only against a real server.
                if args["url"] is not None:
                    for key in ("audience", "categories", "institution_id", "url"):
                        client.create_payload_index(
                            self._collection, key, field_schema=models.PayloadSchemaType.KEYWORD
                        )
                client.create_collection(
                    self._meta_collection,
                    vectors_config=models.VectorParams(size=1, distance=models.Distance.DOT),
                )
                client.upsert(
                    self._meta_collection,
                    [models.PointStruct(id=_META_ID, vector=[1.0], payload={"dense": dense_dims})],
                )
            except ModelMismatchError:
                raise
            except Exception as exc:  # qdrant-client raises several transport errors
                raise BackendError(
                    f"cannot open Qdrant collection {self._collection}: {exc}"
                ) from exc

    def _recorded_models(self) -> dict[str, int] | None:
        if not self.client.collection_exists(self._meta_collection):
            return None
        records = self.client.retrieve(self._meta_collection, [_META_ID], with_payload=True)
        if not records:
            return None
        dense = (records[0].payload or {}).get("dense")
        return {str(k): int(v) for k, v in dense.items()} if isinstance(dense, dict) else None

    def upsert(self, points: list[IndexedPoint]) -> None:
        if not points:
            return
        structs = [
            models.PointStruct(
                id=p.id,
                vector={
                    **p.dense,
                    SPARSE_NAME: models.SparseVector(
                        indices=list(p.sparse.indices), values=list(p.sparse.values)
                    ),
                },
                payload=p.payload,
            )
            for p in points
        ]
        with self._lock:
            self.client.upsert(self._collection, structs, wait=True)

    def delete(self, ids: list[str]) -> None:
        if not ids:
            return
        with self._lock:
            self.client.delete(
                self._collection, points_selector=models.PointIdsList(points=list(ids)), wait=True
            )

    def set_payloads(self, payloads: dict[str, dict[str, object]]) -> None:
        if not payloads:
            return
        with self._lock:
            for point_id, payload in payloads.items():
                self.client.overwrite_payload(self._collection, payload, points=[point_id])

    def begin_build(self) -> None:
        """Mark the build unfinished in the meta collection.

        A server collection has no atomic swap here (that would need a collection alias) nor
        a writer lock: Qdrant serialises writes, and the marker still tells a partial build.
        """
        self._set_marker(BuildMarker.now("building", documents=0, chunks=0))

    def finish_build(self, *, documents: int, chunks: int) -> None:
        self._set_marker(BuildMarker.now("complete", documents=documents, chunks=chunks))

    def build_marker(self) -> BuildMarker | None:
        with self._lock:
            records = self.client.retrieve(self._meta_collection, [_META_ID], with_payload=True)
        build = (records[0].payload or {}).get("build") if records else None
        if not isinstance(build, dict) or build.get("state") not in ("building", "complete"):
            return None
        return BuildMarker(
            build["state"], int(build["documents"]), int(build["chunks"]), str(build["at"])
        )

    def _set_marker(self, marker: BuildMarker) -> None:
        with self._lock:
            self.client.set_payload(
                self._meta_collection, {"build": asdict(marker)}, points=[_META_ID]
            )

    def point_ids_by_url(self) -> dict[str, set[str]]:
        grouped: dict[str, set[str]] = {}
        offset = None
        with self._lock:
            while True:
                records, offset = self.client.scroll(
                    self._collection,
                    limit=1000,
                    offset=offset,
                    with_payload=["url"],
                    with_vectors=False,
                )
                for record in records:
                    url = str((record.payload or {}).get("url", ""))
                    grouped.setdefault(url, set()).add(str(record.id))
                if offset is None:
                    break
        return grouped

    def _query(
        self, query: object, using: str, flt: SearchFilter, limit: int, with_payload: bool
    ) -> list[VectorHit]:
        with self._lock:
            response = self.client.query_points(
                self._collection,
                query=query,  # type: ignore[arg-type]
                using=using,
                query_filter=_filter(flt),
                limit=limit,
                with_payload=with_payload,
            )
        return [
            VectorHit(id=str(p.id), score=float(p.score), payload=dict(p.payload or {}))
            for p in response.points
        ]

    def search_dense(
        self,
        model: str,
        vector: list[float],
        flt: SearchFilter,
        limit: int,
        *,
        with_payload: bool = True,
    ) -> list[VectorHit]:
        return self._query(vector, model, flt, limit, with_payload)

    def search_sparse(
        self, vector: SparseVec, flt: SearchFilter, limit: int, *, with_payload: bool = True
    ) -> list[VectorHit]:
        if not vector.indices:
            return []
        sparse = models.SparseVector(indices=list(vector.indices), values=list(vector.values))
        return self._query(sparse, SPARSE_NAME, flt, limit, with_payload)

    def payloads(self, ids: Sequence[str]) -> dict[str, dict[str, object]]:
        if not ids:
            return {}
        with self._lock:
            records = self.client.retrieve(self._collection, list(ids), with_payload=True)
        return {str(r.id): dict(r.payload or {}) for r in records}

    def count(self) -> int:
        with self._lock:
            return int(self.client.count(self._collection, exact=True).count)

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None
