"""The index over real models and real Qdrant (Edge on disk, qdrant-client local mode)."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
import qdrant_edge as qe

from index import (
    BM25Encoder,
    Chunker,
    E5Embedder,
    EdgeIndex,
    HybridRetriever,
    Indexer,
    IndexInUseError,
    ModelMismatchError,
    SearchFilter,
    ServerIndex,
    USEEmbedder,
    VectorIndex,
    open_search_index,
    stored_chunk_count,
)
from index.backends.edge import INDEXED_FIELDS
from index.vector_cache import CachedEmbedder, VectorCache
from ingest import Document

pytestmark = pytest.mark.integration

TEXTS = {
    "loyer": (
        "Logement",
        "# ASLOCA\n\n## Prestations\nConseil aux locataires: loyer, bail, résiliation.",
    ),
    "dettes": (
        "Dettes",
        "# Caritas\n\n## Prestations\nDésendettement, budget, poursuites et factures.",
    ),
    "emploi": ("Emploi", "# ORP\n\n## Prestations\nInscription au chômage et recherche d'emploi."),
    "interne": (
        "Procédure",
        "# Procédure interne\n\n## Étapes\nSignalement au service de protection.",
    ),
}


def _doc(key: str, text: str | None = None) -> Document:
    title, body = TEXTS[key]
    body = text or body
    return Document(
        url=f"https://example.test/{key}",
        source_id="test",
        kind="intranet" if key == "interne" else "web",
        audience="professional" if key == "interne" else "public",
        title=title,
        text=body,
        institution_id=key,
        categories=["logement"],
        content_hash=hashlib.sha256(body.encode()).hexdigest(),
        fetched_at=datetime(2026, 11, 1, tzinfo=UTC),
    )


@pytest.fixture(scope="module")
def embedder(tmp_path_factory: pytest.TempPathFactory) -> CachedEmbedder:
    cache = VectorCache(tmp_path_factory.mktemp("cache") / "vectors.db")
    model = CachedEmbedder(USEEmbedder(), cache)
    model.warm_up()
    return model


def _components(backend: VectorIndex, embedder: CachedEmbedder) -> tuple[Indexer, HybridRetriever]:
    sparse = BM25Encoder()
    backend.open({embedder.name: embedder.dim})
    indexer = Indexer(
        index=backend,
        embedders=[embedder],
        sparse=sparse,
        chunker=Chunker(count_tokens=embedder.count_tokens),
    )
    return indexer, HybridRetriever(index=backend, embedders=[embedder], sparse=sparse)


def test_incremental_indexing_touches_only_what_changed(
    tmp_path: Path, embedder: CachedEmbedder
) -> None:
    indexer, _ = _components(EdgeIndex(tmp_path / "edge"), embedder)
    docs = [_doc(k) for k in TEXTS]
    first = indexer.run(docs)
    assert (first.added, first.deleted, first.unchanged) == (4, 0, 0)
    again = indexer.run(docs)
    assert (again.added, again.deleted, again.unchanged, again.embedded) == (0, 0, 4, 0)
    changed = [_doc("loyer", "# ASLOCA\n\n## Prestations\nLocataires: loyer abusif."), *docs[1:]]
    after_change = indexer.run(changed)
    assert (after_change.added, after_change.deleted, after_change.unchanged) == (1, 1, 3)
    gone = indexer.run(changed[:3])
    assert (gone.added, gone.deleted, gone.unchanged) == (0, 1, 3)


def test_cached_vectors_are_not_recomputed(tmp_path: Path, embedder: CachedEmbedder) -> None:
    before = embedder.computed
    indexer, _ = _components(EdgeIndex(tmp_path / "edge"), embedder)
    indexer.run([_doc(k) for k in TEXTS])
    indexer2, _ = _components(EdgeIndex(tmp_path / "edge2"), embedder)
    indexer2.run([_doc(k) for k in TEXTS])
    assert embedder.computed - before <= 4


def test_public_search_never_returns_professional_documents(
    tmp_path: Path, embedder: CachedEmbedder
) -> None:
    indexer, retriever = _components(EdgeIndex(tmp_path / "edge"), embedder)
    indexer.run([_doc(k) for k in TEXTS])
    public = retriever.run(query="procédure interne de signalement", top_k=10)
    assert "interne" not in {h.institution_id for h in public.institutions}
    pro = retriever.run(
        query="procédure interne de signalement", audiences=("public", "professional"), top_k=10
    )
    assert pro.institutions[0].institution_id == "interne"


def test_embedded_and_server_backends_return_the_same_results(
    tmp_path: Path, embedder: CachedEmbedder
) -> None:
    edge_indexer, edge = _components(EdgeIndex(tmp_path / "edge"), embedder)
    server_indexer, server = _components(ServerIndex(collection="t", location=":memory:"), embedder)
    docs = [_doc(k) for k in TEXTS]
    edge_indexer.run(docs)
    server_indexer.run(docs)
    for question in ("je ne peux plus payer mon loyer", "Ich habe Schulden", "lost my job"):
        a = edge.run(query=question, top_k=3)
        b = server.run(query=question, top_k=3)
        assert [h.institution_id for h in a.institutions] == [
            h.institution_id for h in b.institutions
        ]
        assert [round(h.score, 6) for h in a.institutions] == [
            round(h.score, 6) for h in b.institutions
        ]


def test_both_backends_search_without_payloads_and_read_them_by_id(
    tmp_path: Path, embedder: CachedEmbedder
) -> None:
    flt = SearchFilter()
    vector = embedder.embed_query("loyer impayé").tolist()
    results = []
    for backend in (EdgeIndex(tmp_path / "edge"), ServerIndex(collection="t", location=":memory:")):
        indexer, _ = _components(backend, embedder)
        indexer.run([_doc(k) for k in TEXTS])
        bare = backend.search_dense(embedder.name, vector, flt, 3, with_payload=False)
        full = backend.search_dense(embedder.name, vector, flt, 3)
        assert [h.id for h in bare] == [h.id for h in full]
        assert all(h.payload == {} for h in bare)
        payloads = backend.payloads([h.id for h in bare] + ["00000000-0000-0000-0000-00000000dead"])
        assert set(payloads) == {h.id for h in bare}  # an unknown id is left out
        assert [payloads[h.id] for h in bare] == [h.payload for h in full]
        assert backend.payloads([]) == {}
        results.append([(h.id, payloads[h.id]["institution_id"]) for h in bare])
    assert results[0] == results[1]


def test_cross_lingual_questions_find_the_french_document(
    tmp_path: Path, embedder: CachedEmbedder
) -> None:
    indexer, retriever = _components(EdgeIndex(tmp_path / "edge"), embedder)
    indexer.run([_doc(k) for k in TEXTS])
    assert retriever.run(query="I lost my job", top_k=1).institutions[0].institution_id == "emploi"
    assert (
        retriever.run(query="Ich habe viele Schulden", top_k=1).institutions[0].institution_id
        == "dettes"
    )


def test_a_collection_refuses_other_models(tmp_path: Path) -> None:
    edge = EdgeIndex(tmp_path / "edge")
    edge.open({"use-m3": 512})
    edge.close()
    with pytest.raises(ModelMismatchError, match="--rebuild"):
        EdgeIndex(tmp_path / "edge").open({"e5-small-q4": 384})
    rebuilt = EdgeIndex(tmp_path / "edge")
    rebuilt.open({"e5-small-q4": 384}, rebuild=True)
    assert rebuilt.count() == 0
    server = ServerIndex(collection="t", path=str(tmp_path / "local"))
    server.open({"use-m3": 512})
    server.close()
    with pytest.raises(ModelMismatchError):
        ServerIndex(collection="t", path=str(tmp_path / "local")).open({"e5-small-q4": 384})


def test_an_index_open_elsewhere_is_reported_as_in_use(tmp_path: Path) -> None:
    """Qdrant Edge locks its WAL while a shard is open, even against the same process."""
    path = tmp_path / "edge"
    assert stored_chunk_count(path) is None
    holder = EdgeIndex(path)
    holder.open({"use-m3": 512})
    try:
        with pytest.raises(IndexInUseError, match="in use by another process"):
            EdgeIndex(path).open({"use-m3": 512})
        with pytest.raises(IndexInUseError):
            stored_chunk_count(path)
    finally:
        holder.close()
    assert stored_chunk_count(path) == 0


def test_filtered_fields_are_indexed_also_in_an_index_built_without_them(
    tmp_path: Path,
) -> None:
    edge = EdgeIndex(tmp_path / "edge")
    edge.open({"use-m3": 512})
    assert set(edge.shard.info().payload_schema) == set(INDEXED_FIELDS)
    edge.shard.update(qe.UpdateOperation.delete_field_index("audience"))
    edge.close()
    reopened = EdgeIndex(tmp_path / "edge")
    reopened.open({"use-m3": 512})
    assert set(reopened.shard.info().payload_schema) == set(INDEXED_FIELDS)
    reopened.close()


def test_open_search_index_reloads_from_disk(tmp_path: Path) -> None:
    first = open_search_index(data_dir=tmp_path, embed_models=["use"])
    first.indexer.run([_doc(k) for k in TEXTS])
    count = first.backend.count()
    first.close()
    second = open_search_index(data_dir=tmp_path, embed_models=["use"])
    try:
        assert second.backend.count() == count
        flt = SearchFilter(audiences=("public",))
        assert second.backend.search_sparse(second.sparse.embed_query("loyer"), flt, 1)
    finally:
        second.close()


def test_llamaindex_adapter_returns_the_ranked_chunks_as_nodes(
    tmp_path: Path, embedder: CachedEmbedder
) -> None:
    from index.llamaindex_adapter import as_llamaindex_retriever

    indexer, retriever = _components(EdgeIndex(tmp_path / "edge"), embedder)
    indexer.run([_doc(k) for k in TEXTS])
    question = "Je ne peux plus payer mon loyer, le bail est résilié"
    expected = retriever.run(query=question, top_k=2)
    nodes = as_llamaindex_retriever(retriever, top_k=2).retrieve(question)

    assert nodes[0].node.metadata["institution_id"] == "loyer"
    assert [n.node.node_id for n in nodes] == [
        h.chunk.id for i in expected.institutions for h in i.chunks
    ]
    assert nodes[0].node.metadata["url"] == "https://example.test/loyer"
    assert nodes[0].node.metadata["confidence"] == expected.confidence
    assert "interne" not in {n.node.metadata["institution_id"] for n in nodes}
    professional = as_llamaindex_retriever(retriever, audiences=("public", "professional"))
    assert "interne" in {
        n.node.metadata["institution_id"] for n in professional.retrieve("signalement protection")
    }


def test_a_follow_up_retrieval_reuses_the_question_vectors(
    tmp_path: Path, embedder: CachedEmbedder
) -> None:
    indexer, retriever = _components(EdgeIndex(tmp_path / "edge"), embedder)
    indexer.run([_doc(k) for k in TEXTS])
    first = retriever.run(query="Mon proprio veut augmenter le loyer", top_k=2)
    assert set(first.query_vectors) == {embedder.name}

    calls: list[str] = []
    original = embedder.embed_query

    def counting(text: str) -> object:
        calls.append(text)
        return original(text)

    embedder.embed_query = counting  # type: ignore[method-assign]
    try:
        again = retriever.run(
            query="Mon proprio veut augmenter le loyer",
            top_k=1,
            institution_ids=("dettes",),
            query_vectors=first.query_vectors,
        )
    finally:
        del embedder.embed_query
    assert calls == []
    assert [h.institution_id for h in again.institutions] == ["dettes"]


def test_e5_calls_from_many_threads_get_the_vectors_of_calls_one_by_one() -> None:
    """Concurrent requests share one ONNX Runtime session: each still gets its own vector."""
    embedder = E5Embedder()
    questions = ["Je ne peux plus payer mon loyer", "Ich habe Schulden", "I lost my job"] * 3
    alone = [embedder.embed_query(q) for q in questions]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(embedder.embed_query, questions))
    for a, b in zip(alone, together, strict=True):
        assert float(a @ b) > 0.9999
    assert float(alone[0] @ alone[1]) < 0.99
