"""Embedded backend: Qdrant Edge, an in-process Rust engine with HNSW, on disk.

The default: nothing to install or run, 1.7 ms a dense query at 100k chunks (measured in
../shared/docs/offline-models.md). The models a collection was built with are recorded in
``collection.json`` beside the shard and checked on every open.
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import qdrant_edge as qe

from index.backends.base import IndexedPoint, SearchFilter, SparseVec, VectorHit
from index.backends.builds import (
    BuildMarker,
    WriterLock,
    build_dirs,
    live_build,
    new_build_dir,
    publish,
    read_marker,
    write_marker,
)
from index.errors import BackendError, IndexInUseError, ModelMismatchError

__all__ = ["EdgeIndex", "stored_chunk_count"]

logger = logging.getLogger(__name__)

SPARSE_NAME = "bm25"
_META_FILE = "collection.json"
#: Payload fields the searches filter on. Without a keyword index a filtered HNSW search at
#: 100k chunks checks payloads point by point: 3 searches took 62 ms, 5 ms with the indexes
#: (eval/bench, 2026-11-22).
INDEXED_FIELDS = ("audience", "categories", "institution_id", "url")
#: What the engine says when another process holds the shard's write-ahead-log lock (it raises
#: plain exceptions, so the message is all there is to tell this case from a broken index).
_LOCKED_MARKER = "WouldBlock"


def _edge_filter(flt: SearchFilter) -> qe.Filter:
    must: list[Any] = [
        qe.FieldCondition(key="audience", match=qe.MatchAny(any=list(flt.audiences)))
    ]
    if flt.categories:
        must.append(
            qe.FieldCondition(key="categories", match=qe.MatchAny(any=list(flt.categories)))
        )
    if flt.institution_ids:
        must.append(
            qe.FieldCondition(
                key="institution_id", match=qe.MatchAny(any=list(flt.institution_ids))
            )
        )
    return qe.Filter(must=must)


def _load_shard(path: Path) -> qe.EdgeShard:
    """Load the shard of the index at ``path``; a lock held elsewhere is told apart."""
    try:
        return qe.EdgeShard.load(str(path / "shard"))
    except Exception as exc:  # the engine raises plain exceptions
        if _LOCKED_MARKER in str(exc):
            raise IndexInUseError(
                f"the index at {path} is in use by another process (a running `permanence serve`?)"
            ) from exc
        raise BackendError(f"cannot load index at {path}: {exc}") from exc


def stored_chunk_count(path: Path) -> int | None:
    """Chunks in the live build of the index at ``path``, read without any model; ``None``
    when none was built.

    Lets a command say "build the index first" (or "a server holds it") in a second instead of
    after loading the embedding models.

    Raises:
        IndexInUseError: another process has the index open.
    """
    build = live_build(path)
    if build is None or not (build / _META_FILE).exists():
        return None
    shard = _load_shard(build)
    try:
        return int(shard.count(qe.CountRequest(exact=True)))
    finally:
        shard.close()


def _payloads(records: list[qe.Record]) -> dict[str, dict[str, object]]:
    return {str(r.id): dict(r.payload or {}) for r in records}


class EdgeIndex:
    """A Qdrant Edge shard: the live build under ``path``, or a new build being written.

    ``open(rebuild=True)`` writes into a new build folder and leaves the live one alone until
    :meth:`finish_build` publishes it (:mod:`index.backends.builds`). Writing takes the
    index's writer lock; reading never does, so a server keeps answering during a rebuild.
    """

    def __init__(self, path: Path) -> None:
        self._path = Path(path)
        self._build: Path | None = None
        self._staging = False
        self._writer = WriterLock(self._path)
        self._shard: qe.EdgeShard | None = None
        self._lock = threading.RLock()

    @property
    def shard(self) -> qe.EdgeShard:
        if self._shard is None:
            raise BackendError(f"index at {self._path} is not open; call open() first")
        return self._shard

    def open(self, dense_dims: dict[str, int], *, rebuild: bool = False) -> None:
        with self._lock:
            live = live_build(self._path)
            if rebuild:
                self._writer.acquire()
                self._remove_unused_builds(keep=live)
                self._create(new_build_dir(self._path), dense_dims)
                self._staging = True
                self._write_marker(BuildMarker.now("building", documents=0, chunks=0))
                return
            if live is not None and (live / _META_FILE).exists():
                recorded = json.loads((live / _META_FILE).read_text(encoding="utf-8"))
                if recorded.get("dense") != dense_dims:
                    raise ModelMismatchError(
                        f"index at {self._path} was built with models {recorded.get('dense')}, "
                        f"configured now: {dense_dims}; run `permanence index --rebuild`"
                    )
                self._shard = _load_shard(live)
                self._build = live
                self._index_payload_fields()
                return
            # Nothing built yet: the first build has no live index to protect.
            build = new_build_dir(self._path)
            self._create(build, dense_dims)
            publish(self._path, build)

    def _create(self, build: Path, dense_dims: dict[str, int]) -> None:
        config = qe.EdgeConfig(
            vectors={
                name: qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine)
                for name, dim in dense_dims.items()
            },
            sparse_vectors={SPARSE_NAME: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
        )
        try:
            self._shard = qe.EdgeShard.create(str(build / "shard"), config)
        except Exception as exc:
            raise BackendError(f"cannot create index at {build}: {exc}") from exc
        self._build = build
        self._index_payload_fields()
        meta = json.dumps({"dense": dense_dims, "sparse": SPARSE_NAME})
        (build / _META_FILE).write_text(meta, "utf-8")

    def begin_build(self) -> None:
        """Take the writer lock and mark the build unfinished until :meth:`finish_build`."""
        with self._lock:
            self._writer.acquire()
            self._write_marker(BuildMarker.now("building", documents=0, chunks=0))

    def finish_build(self, *, documents: int, chunks: int) -> None:
        """Record a finished build; a rebuild becomes the live index here, atomically."""
        with self._lock:
            self._writer.acquire()
            self.shard.flush()
            self._write_marker(BuildMarker.now("complete", documents=documents, chunks=chunks))
            if self._staging and self._build is not None:
                previous = live_build(self._path)
                publish(self._path, self._build)
                self._staging = False
                logger.info("index build %s is live", self._build.name)
                self._remove_unused_builds(keep=previous)
            self._writer.release()

    def build_marker(self) -> BuildMarker | None:
        """The marker of the build this object has open (``None``: it records none)."""
        return read_marker(self._build) if self._build is not None else None

    def _write_marker(self, marker: BuildMarker) -> None:
        if self._build is None:
            raise BackendError(f"index at {self._path} is not open; call open() first")
        write_marker(self._build, marker)

    def _remove_unused_builds(self, *, keep: Path | None) -> None:
        """Delete builds nobody uses: not live, not ``keep``, not open in another process.

        An unfinished build (a killed rebuild) goes too. A build some process still has open
        is kept (the engine's lock tells); the next rebuild tries again.
        """
        live = live_build(self._path)
        for build in build_dirs(self._path):
            if build in (live, keep, self._build):
                continue
            try:
                _load_shard(build).close()
            except IndexInUseError:
                continue
            except BackendError:
                pass  # unreadable: a build killed before its shard was whole
            shutil.rmtree(build, ignore_errors=True)

    def _require_writer(self) -> None:
        """Every write takes the writer lock first: a second writer fails before it writes."""
        self._writer.acquire()

    def _index_payload_fields(self) -> None:
        """Keyword indexes on the filtered fields (idempotent: older indexes gain them on open)."""
        indexed = set(self.shard.info().payload_schema)
        for name in INDEXED_FIELDS:
            if name not in indexed:
                self.shard.update(
                    qe.UpdateOperation.create_field_index(name, qe.PayloadSchemaType.Keyword)
                )
        self.shard.flush()

    def _query(self, request: qe.QueryRequest, with_payload: bool) -> list[VectorHit]:
        """Search without payloads, then fetch the hits' payloads in one call.

        Reading payloads inside the search cost 12 ms of 17 for 3 searches at 100k chunks;
        one ``retrieve`` of the hits costs under 1 ms.
        """
        with self._lock:
            points = self.shard.query(request)
        if not with_payload:
            return [VectorHit(id=str(p.id), score=float(p.score)) for p in points]
        payloads = self.payloads([str(p.id) for p in points])
        return [
            VectorHit(id=str(p.id), score=float(p.score), payload=payloads[str(p.id)])
            for p in points
        ]

    def payloads(self, ids: Sequence[str]) -> dict[str, dict[str, object]]:
        if not ids:
            return {}
        with self._lock:
            return _payloads(self.shard.retrieve(list(ids), True, False))

    def upsert(self, points: list[IndexedPoint]) -> None:
        if not points:
            return
        edge_points = [
            qe.Point(
                id=p.id,
                vector={
                    **p.dense,
                    SPARSE_NAME: qe.SparseVector(
                        indices=list(p.sparse.indices), values=list(p.sparse.values)
                    ),
                },
                payload=p.payload,
            )
            for p in points
        ]
        with self._lock:
            self._require_writer()
            self.shard.update(qe.UpdateOperation.upsert_points(edge_points))
            self.shard.flush()

    def delete(self, ids: list[str]) -> None:
        if not ids:
            return
        with self._lock:
            self._require_writer()
            self.shard.update(qe.UpdateOperation.delete_points(list(ids)))
            self.shard.flush()

    def set_payloads(self, payloads: dict[str, dict[str, object]]) -> None:
        """Replace the payload of existing points (an audience or institution corrected)."""
        if not payloads:
            return
        with self._lock:
            self._require_writer()
            for point_id, payload in payloads.items():
                self.shard.update(qe.UpdateOperation.overwrite_payload([point_id], payload))
            self.shard.flush()

    def point_ids_by_url(self) -> dict[str, set[str]]:
        grouped: dict[str, set[str]] = {}
        offset: Any = None
        with self._lock:
            while True:
                records, offset = self.shard.scroll(
                    qe.ScrollRequest(
                        offset=offset, limit=1000, with_payload=["url"], with_vector=False
                    )
                )
                for record in records:
                    url = str((record.payload or {}).get("url", ""))
                    grouped.setdefault(url, set()).add(str(record.id))
                if offset is None:
                    break
        return grouped

    def search_dense(
        self,
        model: str,
        vector: list[float],
        flt: SearchFilter,
        limit: int,
        *,
        with_payload: bool = True,
    ) -> list[VectorHit]:
        request = qe.QueryRequest(
            limit=limit,
            query=qe.Query.Nearest(vector, using=model),
            filter=_edge_filter(flt),
            with_payload=False,
        )
        return self._query(request, with_payload)

    def search_sparse(
        self, vector: SparseVec, flt: SearchFilter, limit: int, *, with_payload: bool = True
    ) -> list[VectorHit]:
        if not vector.indices:
            return []
        request = qe.QueryRequest(
            limit=limit,
            query=qe.Query.Nearest(
                qe.SparseVector(indices=list(vector.indices), values=list(vector.values)),
                using=SPARSE_NAME,
            ),
            filter=_edge_filter(flt),
            with_payload=False,
        )
        return self._query(request, with_payload)

    def count(self) -> int:
        with self._lock:
            return int(self.shard.count(qe.CountRequest(exact=True)))

    def close(self) -> None:
        with self._lock:
            if self._shard is not None:
                self._shard.close()
                self._shard = None
            self._writer.release()
