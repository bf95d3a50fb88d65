"""Index builds under faults (issue 22): atomic swap, one writer, kill -9, honest /health.

The probe found that ``permanence index --rebuild`` deleted the live index under a running
server, and that a build killed half-way left 96 of 570 chunks with ``/health`` "ok". Every
test here builds a real index (tiny corpus, USE, Qdrant Edge on disk).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant_api.app import create_app
from assistant_api.runtime import open_runtime
from index import IndexLockedError, edge_index_path, open_search_index, stored_chunk_count
from index.backends import EdgeIndex
from index.backends.builds import live_build, read_marker
from ingest import DocumentStore
from ingest.corpus_sync import read_institutions, sync_corpus
from permanence.testing.servers import run_uvicorn
from tests.conftest import TINY_CORPUS
from tests.security.crawled_data import settings_of

DIMS = {"use-m3": 512}
#: Seconds to wait for the killed build's subprocess to reach its build (models load first).
BUILD_START_TIMEOUT_S = 240.0


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with the tiny corpus, indexed once."""
    data_dir = tmp_path_factory.mktemp("faults-index")
    with DocumentStore(data_dir / "documents.db") as store:
        sync_corpus(store, read_institutions(TINY_CORPUS))
        search_index = open_search_index(data_dir=data_dir, embed_models=["use"])
        try:
            search_index.indexer.run(store.documents(status="active"))
        finally:
            search_index.close()
    return data_dir


@pytest.fixture
def data_dir(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(built, copy)
    return copy


def _root(data_dir: Path) -> Path:
    return edge_index_path(data_dir, "permanence")


def test_a_rebuild_is_built_aside_and_swapped_while_a_reader_keeps_the_old_one(
    data_dir: Path,
) -> None:
    root = _root(data_dir)
    before = stored_chunk_count(root)
    assert before
    reader = EdgeIndex(root)  # what a running server holds
    reader.open(DIMS)
    try:
        with DocumentStore(data_dir / "documents.db") as store:
            documents = store.documents(status="active")
        rebuild = open_search_index(data_dir=data_dir, embed_models=["use"], rebuild=True)
        try:
            live_during = live_build(root)
            half = documents[: len(documents) // 2]
            report = rebuild.indexer.run(half)
        finally:
            rebuild.close()
        assert live_build(root) != live_during  # swapped at the end
        # The reader still answers from the build it opened, whole.
        assert reader.count() == before
        marker = reader.build_marker()
        assert marker is not None and marker.chunks == before
    finally:
        reader.close()
    assert stored_chunk_count(root) == report.chunks < before
    live = live_build(root)
    assert live is not None
    fresh = read_marker(live)
    assert fresh is not None and (fresh.state, fresh.chunks) == ("complete", report.chunks)


def test_a_second_writer_is_refused_with_a_clear_error(data_dir: Path) -> None:
    root = _root(data_dir)
    first = EdgeIndex(root)
    first.open(DIMS, rebuild=True)
    try:
        with pytest.raises(IndexLockedError, match="another `permanence index` is writing"):
            EdgeIndex(root).open(DIMS, rebuild=True)
        incremental = EdgeIndex(root)
        incremental.open(DIMS)
        try:
            with pytest.raises(IndexLockedError, match=f"pid {os.getpid()}"):
                incremental.begin_build()
        finally:
            incremental.close()
    finally:
        first.close()
    again = EdgeIndex(root)  # the lock went with its holder
    again.open(DIMS, rebuild=True)
    again.close()


def _permanence() -> str:
    return str(Path(sys.executable).parent / "permanence")


@pytest.mark.slow
def test_kill_9_during_a_rebuild_leaves_the_live_index_intact(data_dir: Path) -> None:
    root = _root(data_dir)
    before = stored_chunk_count(root)
    live_before = live_build(root)
    shutil.rmtree(data_dir / "cache")  # no cached vectors: the build has to embed, and lasts
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERMANENCE_")}
    env.update(PERMANENCE_DATA_DIR=str(data_dir), PERMANENCE_EMBED_MODELS="use")
    process = subprocess.Popen(
        [_permanence(), "index", "--rebuild"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + BUILD_START_TIMEOUT_S
        staging = None
        while staging is None and time.monotonic() < deadline:
            assert process.poll() is None, "the build ended before it could be killed"
            builds = root / "builds"
            candidates = (
                [b for b in builds.iterdir() if b != live_before] if builds.exists() else []
            )
            staging = next((b for b in candidates if read_marker(b) is not None), None)
            time.sleep(0.005)
        assert staging is not None, "the rebuild never started"
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
    marker = read_marker(staging)
    assert marker is not None and marker.state == "building"
    assert live_build(root) == live_before
    assert stored_chunk_count(root) == before
    # The next rebuild goes through and clears the killed one's leftovers.
    with DocumentStore(data_dir / "documents.db") as store:
        documents = store.documents(status="active")
    rebuild = open_search_index(data_dir=data_dir, embed_models=["use"], rebuild=True)
    try:
        rebuild.indexer.run(documents)
    finally:
        rebuild.close()
    assert not staging.exists()
    assert stored_chunk_count(root) == before


@pytest.fixture
def partial_server(data_dir: Path) -> Iterator[str]:
    """The API over an index that lost chunks after its build (as a killed incremental run)."""
    root = _root(data_dir)
    damaged = EdgeIndex(root)
    damaged.open(DIMS)
    try:
        ids = sorted(i for ids in damaged.point_ids_by_url().values() for i in ids)
        damaged.delete(ids[: len(ids) // 3])
    finally:
        damaged.close()
    settings = settings_of(data_dir)
    runtime = open_runtime(settings)
    try:
        with run_uvicorn(create_app(settings, runtime=runtime)) as base_url:
            yield base_url
    finally:
        runtime.close()


@pytest.mark.slow
def test_health_says_degraded_when_the_index_lost_chunks(partial_server: str) -> None:
    health = httpx.get(f"{partial_server}/health", timeout=30.0).json()
    assert health["status"] == "degraded"
    assert any("its last build" in reason for reason in health["reasons"]), health["reasons"]
