"""`permanence crawl --mirror intranet`: what `make demo` runs to index the local intranet."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from ingest.store import DocumentStore
from permanence.cli import main
from permanence.testing.servers import free_port

pytestmark = [pytest.mark.integration]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PERMANENCE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PERMANENCE_CRAWL_IDENTIFY_LANGUAGE", "false")
    return tmp_path / "data"


def test_the_intranet_mirror_is_crawled_behind_its_login_as_professional(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    port = str(free_port())
    assert main(["crawl", "--mirror", "intranet", "--mirror-port", port, "--no-progress"]) == 0
    with DocumentStore(data_dir / "documents.db") as store:
        documents = store.documents(source_id="mirror-intranet")
        procedures = [d for d in documents if "/procedures/" in d.url]
        assert len(procedures) >= 15
        assert {d.audience for d in documents} == {"professional"}
        assert all(d.url.startswith(f"http://127.0.0.1:{port}/") for d in documents)
        assert not any(d.url.endswith("/login") for d in documents)
        # A procedure about one institution is linked to it, so answers can cite it there.
        by_path = {d.url.removeprefix(f"http://127.0.0.1:{port}"): d for d in documents}
        assert by_path["/procedures/subside-lamal.html"].institution_id == (
            "ocab-subsides-lamal-bourses"
        )
        first = {d.url: d.content_hash for d in documents}
    capsys.readouterr()
    # Same port, fresh password: the same documents, nothing new to index.
    assert main(["crawl", "--mirror", "intranet", "--mirror-port", port, "--no-progress"]) == 0
    with DocumentStore(data_dir / "documents.db") as store:
        again = {d.url: d.content_hash for d in store.documents(source_id="mirror-intranet")}
    assert again == first


def test_an_unknown_mirror_site_is_a_clear_error(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["crawl", "--mirror", "nowhere"]) == 1
    err = capsys.readouterr().err
    assert "no mirror site 'nowhere'" in err
    assert "intranet" in err


def test_a_busy_port_is_a_clear_error(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        assert main(["crawl", "--mirror", "intranet", "--mirror-port", port]) == 1
    assert "cannot serve the mirror site 'intranet'" in capsys.readouterr().err


def test_mirror_goes_alone(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["crawl", "--mirror", "intranet", "--source", "csp-neuchatel"]) == 1
    assert "--mirror crawls one mirror site" in capsys.readouterr().err
