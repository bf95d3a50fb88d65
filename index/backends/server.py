"""Server backend: a Qdrant server or cluster through ``qdrant-client``.

Chosen when ``PERMANENCE_QDRANT_URL`` is set. The same class runs against qdrant-client's local
mode (``location=":memory:"`` or a path) in tests, which speaks the same API as a server.

``<name>`` is an alias of the live build collection ``<name>_<timestamp>``; a rebuild writes a
new build and swaps the alias when it has finished (:mod:`index.backends.server_builds`).
Searches, payload reads and counts always go through the alias — what a serving process sees —
while writes go to the build being written. The models and the build marker of a build are kept
in a one-point side collection ``<build>_meta``.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Sequence
from dataclasses import asdict

from qdrant_client import QdrantClient, models

from index.backends.base import IndexedPoint, SearchFilter, SparseVec, VectorHit
from index.backends.builds import BuildMarker
from index.backends.server_builds import (
    drop_builds_before,
    live_collection,
    meta_name,
    new_build_name,
    swap_alias,
)
from index.errors import BackendError, ModelMismatchError

__all__ = ["ServerIndex"]

logger = logging.getLogger(__name__)

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
        #: The build this object writes: a new one during a rebuild (``_staging``), else the live.
        self._build: str | None = None
        self._staging = False
        self._client_args = {"url": url, "api_key": api_key, "location": location, "path": path}
        self._client: QdrantClient | None = None
        self._lock = threading.RLock()

    @property
    def client(self) -> QdrantClient:
        if self._client is None:
            raise BackendError(f"collection {self._collection} is not open; call open() first")
        return self._client

    def open(self, dense_dims: dict[str, int], *, rebuild: bool = False) -> None:
        """Open the live build, or start a new one (``rebuild``) that goes live when finished.

        A second ``open`` of the same object keeps its connection (a ``:memory:`` store is
        lost with its client).
        """
        with self._lock:
            try:
                client = self._connect()
                if rebuild:
                    build = new_build_name(self._collection)
                    self._create(build, dense_dims)
                    self._build, self._staging = build, True
                    self._set_marker(BuildMarker.now("building", documents=0, chunks=0))
                    return
                self._staging = False
                live = live_collection(client, self._collection)
                if live is not None:
                    recorded = self._recorded_models(live)
                    if recorded != dense_dims:
                        raise ModelMismatchError(
                            f"collection {self._collection} was built with {recorded}, configured "
                            f"now: {dense_dims}; run `permanence index --rebuild`"
                        )
                    self._build = live
                    return
                # Nothing built yet: the first build has no live index to protect.
                build = new_build_name(self._collection)
                self._create(build, dense_dims)
                swap_alias(client, self._collection, build)
                self._build = build
            except ModelMismatchError:
                raise
            except Exception as exc:  # qdrant-client raises several transport errors
                raise BackendError(
                    f"cannot open Qdrant collection {self._collection}: {exc}"
                ) from exc

    def _connect(self) -> QdrantClient:
        if self._client is None:
            args = self._client_args
            if args["url"] is not None:
                self._client = QdrantClient(url=args["url"], api_key=args["api_key"])
            elif args["path"] is not None:
                self._client = QdrantClient(path=args["path"])
            else:
                self._client = QdrantClient(location=args["location"])
        return self._client

    def _create(self, build: str, dense_dims: dict[str, int]) -> None:
        client = self.client
        client.create_collection(
            build,
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
        if self._client_args["url"] is not None:
            for key in ("audience", "categories", "institution_id", "url"):
                client.create_payload_index(
                    build, key, field_schema=models.PayloadSchemaType.KEYWORD
                )
        client.create_collection(
            meta_name(build),
            vectors_config=models.VectorParams(size=1, distance=models.Distance.DOT),
        )
        client.upsert(
            meta_name(build),
            [models.PointStruct(id=_META_ID, vector=[1.0], payload={"dense": dense_dims})],
        )

    def _recorded_models(self, collection: str) -> dict[str, int] | None:
        meta = meta_name(collection)
        if not self.client.collection_exists(meta):
            return None
        records = self.client.retrieve(meta, [_META_ID], with_payload=True)
        if not records:
            return None
        dense = (records[0].payload or {}).get("dense")
        return {str(k): int(v) for k, v in dense.items()} if isinstance(dense, dict) else None

    def _target(self) -> str:
        """Where writes go: the build being written, else the alias (the live build, even
        when another process swapped it since this one opened)."""
        return self._build if self._staging and self._build else self._collection

    def _meta(self) -> str:
        """The side collection of the build written (staging) or of the live one."""
        if self._staging and self._build:
            return meta_name(self._build)
        live = live_collection(self.client, self._collection)
        if live is None:
            raise BackendError(f"collection {self._collection} has no live build")
        return meta_name(live)

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
            self.client.upsert(self._target(), structs, wait=True)

    def delete(self, ids: list[str]) -> None:
        if not ids:
            return
        with self._lock:
            self.client.delete(
                self._target(), points_selector=models.PointIdsList(points=list(ids)), wait=True
            )

    def set_payloads(self, payloads: dict[str, dict[str, object]]) -> None:
        if not payloads:
            return
        with self._lock:
            for point_id, payload in payloads.items():
                self.client.overwrite_payload(self._target(), payload, points=[point_id])

    def begin_build(self) -> None:
        """Mark the build unfinished in its meta collection.

        No writer lock: Qdrant serialises writes, and the marker still tells a partial build.
        """
        self._set_marker(BuildMarker.now("building", documents=0, chunks=0))

    def finish_build(self, *, documents: int, chunks: int) -> None:
        """Record the finished build; a rebuild becomes live here, in one alias update."""
        with self._lock:
            self._set_marker(BuildMarker.now("complete", documents=documents, chunks=chunks))
            if self._staging and self._build is not None:
                swap_alias(self.client, self._collection, self._build)
                self._staging = False
                dropped = drop_builds_before(self.client, self._collection, self._build)
                logger.info("Qdrant build %s is live; dropped %s", self._build, dropped)

    def build_marker(self) -> BuildMarker | None:
        """The marker of the build being written (rebuild), else of the live build."""
        with self._lock:
            records = self.client.retrieve(self._meta(), [_META_ID], with_payload=True)
        build = (records[0].payload or {}).get("build") if records else None
        if not isinstance(build, dict) or build.get("state") not in ("building", "complete"):
            return None
        return BuildMarker(
            build["state"], int(build["documents"]), int(build["chunks"]), str(build["at"])
        )

    def _set_marker(self, marker: BuildMarker) -> None:
        with self._lock:
            self.client.set_payload(self._meta(), {"build": asdict(marker)}, points=[_META_ID])

    def point_ids_by_url(self) -> dict[str, set[str]]:
        grouped: dict[str, set[str]] = {}
        offset = None
        with self._lock:
            while True:
                records, offset = self.client.scroll(
                    self._target(),
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
