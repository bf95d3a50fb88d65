"""``permanence crawl`` and ``permanence docs`` through the real command-line entry point."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from permanence.cli import main
from tests.ingest.crawl.conftest import FaultSite

pytestmark = pytest.mark.integration


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PERMANENCE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("PERMANENCE_CRAWL_IDENTIFY_LANGUAGE", "false")  # pages declare theirs
    from permanence.settings import get_settings

    get_settings.cache_clear()
    return tmp_path / "data"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_adhoc_crawl_then_docs(
    fault_site: FaultSite, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["crawl", fault_site.url("/clean/"), "--kind", "web", "--max-pages", "3", "--delay", "0"]
    )
    captured = capsys.readouterr()
    assert code == 0
    assert "Crawl summary" in captured.err
    assert "adhoc-127-0-0-1" in captured.err
    reports = list((data_dir / "crawl-reports").glob("*.json"))
    assert len(reports) == 1
    assert json.loads(reports[0].read_text(encoding="utf-8"))["outcomes"]["new"] == 3

    assert main(["docs", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 3
    assert set(rows[0]) == {
        "url", "kind", "audience", "title", "status", "content_hash", "fetched_at", "chars",
        "language", "institution_id", "source_id",
    }  # fmt: skip
    assert {r["kind"] for r in rows} == {"web"}
    assert rows[0]["chars"] > 0

    assert main(["docs", "show", fault_site.url("/clean/") + "#top", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["url"] == fault_site.url("/clean")
    assert shown["title"] == "Réseau d'entraide du Val-de-Test"
    assert "Ce site fictif sert aux essais" in shown["text"]


def test_config_source_and_exit_code_when_nothing_is_crawled(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text(
        "sources:\n"
        "  - name: down\n"
        "    kind: web\n"
        f"    start_urls: ['http://127.0.0.1:{_closed_port()}/']\n"
        "    retry: {max_retries: 0}\n"
        "    limits: {timeout_s: 0.5}\n"
        "  - name: other\n"
        "    kind: web\n"
        "    start_urls: ['http://127.0.0.1:9/']\n",
        encoding="utf-8",
    )
    code = main(["crawl", "--config", str(config), "--source", "down", "--no-progress"])
    captured = capsys.readouterr()
    assert code == 1
    assert "down" in captured.err
    assert "other" not in captured.err
    report = json.loads(next((data_dir / "crawl-reports").glob("*-down-*.json")).read_text())
    assert [u["outcome"] for u in report["urls"]] == ["disallowed"]
    assert "robots.txt unreachable" in report["urls"][0]["detail"]


def test_unknown_source_is_a_clear_error(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text("sources:\n  - {name: a, kind: web, start_urls: ['https://a.ch/']}\n")
    assert main(["crawl", "--config", str(config), "--source", "zzz"]) == 1
    assert "no source named 'zzz'; known sources: a" in capsys.readouterr().err


def test_docs_show_unknown_url(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ingest.store import DocumentStore

    DocumentStore(data_dir / "documents.db").close()
    assert main(["docs", "show", "https://nowhere.example/x", "--json"]) == 1
    assert "no stored document for https://nowhere.example/x" in capsys.readouterr().err
