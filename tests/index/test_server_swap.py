"""The Qdrant server backend's rebuild: a new build behind the alias, swapped in one update.

No Qdrant server binary can be installed on this machine (no PyPI, npm or Debian package ships
one), so these tests run the real ``ServerIndex`` against qdrant-client's local mode, which
implements collection aliases (``update_collection_aliases``) with the server's rules: an alias
resolves for every read and write, and may not take the name of an existing collection.
What local mode cannot show is a second process: the reader here is a thread of the writing
process, searching through the same alias a serving process uses.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from qdrant_client import QdrantClient, models

from index.backends import IndexedPoint, SearchFilter, ServerIndex, SparseVec
from index.backends.server_builds import alias_target, build_collections

DIMS = {"m": 4}
FLT = SearchFilter()
QUERY = [1.0, 0.5, 0.25, 0.125]


def _points(prefix: int, count: int) -> list[IndexedPoint]:
    """``count`` points whose ids start with ``prefix`` (a build's points are told apart)."""
    return [
        IndexedPoint(
            id=f"{prefix:08x}-0000-0000-0000-{n:012x}",
            dense={"m": [1.0, float(n % 3), 0.5, float(prefix)]},
            sparse=SparseVec((n,), (1.0,)),
            payload={"audience": "public", "url": f"https://example.test/{prefix}/{n}"},
        )
        for n in range(count)
    ]


def _ids(points: list[IndexedPoint]) -> frozenset[str]:
    return frozenset(p.id for p in points)


def _searched(index: ServerIndex) -> frozenset[str]:
    return frozenset(h.id for h in index.search_dense("m", QUERY, FLT, 100))


def _build(index: ServerIndex, points: list[IndexedPoint], *, rebuild: bool) -> None:
    index.open(DIMS, rebuild=rebuild)
    index.begin_build()
    index.upsert(points)
    index.finish_build(documents=len(points), chunks=len(points))


def test_a_search_during_a_rebuild_gets_the_old_index_then_the_new_one() -> None:
    index = ServerIndex(collection="t", location=":memory:")
    old, new = _points(1, 6), _points(2, 4)
    _build(index, old, rebuild=False)
    first = alias_target(index.client, "t")
    assert _searched(index) == _ids(old)

    index.open(DIMS, rebuild=True)
    index.begin_build()
    index.upsert(new[:2])
    # Half-way: searches, payloads and counts are the old build's, whole.
    assert _searched(index) == _ids(old)
    assert index.count() == len(old)
    assert set(index.payloads([p.id for p in old])) == _ids(old)
    assert index.payloads([new[0].id]) == {}
    marker = index.build_marker()
    assert marker is not None and marker.state == "building"
    assert alias_target(index.client, "t") == first

    index.upsert(new[2:])
    index.finish_build(documents=4, chunks=4)
    assert _searched(index) == _ids(new)
    assert index.count() == len(new)
    live = alias_target(index.client, "t")
    assert live is not None and live != first
    # The previous build and its side collection are gone; the new one is all that is left.
    names = {c.name for c in index.client.get_collections().collections}
    assert names == {live, f"{live}_meta"}
    marker = index.build_marker()
    assert marker is not None and (marker.state, marker.chunks) == ("complete", 4)
    index.close()


def test_a_reader_never_sees_a_partial_or_empty_index_while_a_rebuild_runs() -> None:
    index = ServerIndex(collection="t", location=":memory:")
    old, new = _points(1, 40), _points(2, 30)
    _build(index, old, rebuild=False)
    seen: list[frozenset[str]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                seen.append(_searched(index))
            except BaseException as exc:  # recorded: the test fails on any error
                errors.append(exc)
                return
            time.sleep(0.001)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        index.open(DIMS, rebuild=True)
        index.begin_build()
        for start in range(0, len(new), 3):
            index.upsert(new[start : start + 3])
            time.sleep(0.005)
        index.finish_build(documents=len(new), chunks=len(new))
        time.sleep(0.05)
    finally:
        stop.set()
        reader.join(timeout=10)
    assert errors == []
    assert set(seen) == {_ids(old), _ids(new)}
    # Old results until the swap, new ones after it, never back.
    switched = seen.index(_ids(new))
    assert all(s == _ids(old) for s in seen[:switched])
    assert all(s == _ids(new) for s in seen[switched:])
    index.close()


def test_an_unfinished_rebuild_leaves_the_live_index_and_is_dropped_by_the_next() -> None:
    index = ServerIndex(collection="t", location=":memory:")
    old = _points(1, 5)
    _build(index, old, rebuild=False)
    index.open(DIMS, rebuild=True)
    index.begin_build()
    index.upsert(_points(3, 2))  # killed here: never finished
    killed = build_collections(index.client, "t")[-1]
    index.open(DIMS)  # the next process opens the live build
    assert _searched(index) == _ids(old)
    marker = index.build_marker()
    assert marker is not None and (marker.state, marker.chunks) == ("complete", 5)

    new = _points(2, 3)
    _build(index, new, rebuild=True)
    assert _searched(index) == _ids(new)
    assert build_collections(index.client, "t") == [alias_target(index.client, "t")]
    assert not index.client.collection_exists(killed)
    index.close()


def _legacy_collection(path: Path, points: list[IndexedPoint]) -> None:
    """What the server backend wrote before aliases: collection ``t`` and ``t_meta``."""
    client = QdrantClient(path=str(path))
    client.create_collection(
        "t",
        vectors_config={"m": models.VectorParams(size=4, distance=models.Distance.COSINE)},
        sparse_vectors_config={"bm25": models.SparseVectorParams(modifier=models.Modifier.IDF)},
    )
    client.upsert(
        "t",
        [
            models.PointStruct(
                id=p.id,
                vector={
                    **p.dense,
                    "bm25": models.SparseVector(
                        indices=list(p.sparse.indices), values=list(p.sparse.values)
                    ),
                },
                payload=p.payload,
            )
            for p in points
        ],
    )
    client.create_collection(
        "t_meta", vectors_config=models.VectorParams(size=1, distance=models.Distance.DOT)
    )
    build = {"state": "complete", "documents": 2, "chunks": 2, "at": "2026-11-01T00:00:00+00:00"}
    client.upsert(
        "t_meta",
        [
            models.PointStruct(
                id="00000000-0000-0000-0000-000000000001",
                vector=[1.0],
                payload={"dense": DIMS, "build": build},
            )
        ],
    )
    client.close()


def test_an_index_from_before_aliases_stays_live_until_a_rebuild_replaces_it(
    tmp_path: Path,
) -> None:
    legacy = _points(1, 2)
    _legacy_collection(tmp_path / "q", legacy)
    index = ServerIndex(collection="t", path=str(tmp_path / "q"))
    index.open(DIMS)
    assert _searched(index) == _ids(legacy)
    marker = index.build_marker()
    assert marker is not None and marker.chunks == 2
    index.close()

    new = _points(2, 3)
    index = ServerIndex(collection="t", path=str(tmp_path / "q"))
    index.open(DIMS, rebuild=True)
    index.begin_build()
    index.upsert(new)
    assert _searched(index) == _ids(legacy)  # still the legacy collection, by its name
    index.finish_build(documents=3, chunks=3)
    assert _searched(index) == _ids(new)
    live = alias_target(index.client, "t")
    names = {c.name for c in index.client.get_collections().collections}
    assert names == {live, f"{live}_meta"}  # the legacy "t" and "t_meta" went
    index.close()

    reopened = ServerIndex(collection="t", path=str(tmp_path / "q"))
    reopened.open(DIMS)
    assert _searched(reopened) == _ids(new)
    reopened.close()
