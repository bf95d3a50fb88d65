"""Sources of kind ``files``: documents on disk, same incremental promises as the web crawl."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from ingest.crawl import Crawler, CrawlReport, SourceConfig
from ingest.extract import Extractor
from ingest.store import DocumentStore
from tests.ingest.crawl.faultsite import DOCX_BODY, PDF_BODY, RESOURCES

pytestmark = pytest.mark.integration


def files_source(folder: Path) -> SourceConfig:
    return SourceConfig(name="shared-folder", kind="files", paths=[folder], audience="professional")


def crawl(store: DocumentStore, folder: Path, reports: Path) -> tuple[CrawlReport, Extractor]:
    extractor = Extractor(identify_language=False)
    crawler = Crawler(store, reports_dir=reports, extractor=extractor)
    return asyncio.run(crawler.crawl(files_source(folder))), extractor


def outcomes(report: CrawlReport) -> dict[str, str]:
    return {u.url.rsplit("/", 1)[-1]: u.outcome for u in report.urls}


def test_files_are_read_once_and_gone_when_deleted(tmp_path: Path) -> None:
    folder = tmp_path / "share"
    (folder / "sub").mkdir(parents=True)
    (folder / "tarifs.pdf").write_bytes(PDF_BODY)
    (folder / "sub" / "procedure.docx").write_bytes(DOCX_BODY)
    (folder / "horaires.txt").write_text("Horaires\n\nLundi 8 h – 12 h.\n", encoding="utf-8")
    (folder / "page.html").write_bytes((RESOURCES / "clean" / "dettes.html").read_bytes())
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    with DocumentStore(tmp_path / "documents.db") as store:
        first, extractor = crawl(store, folder, tmp_path / "reports")
        assert outcomes(first) == {
            "tarifs.pdf": "new",
            "procedure.docx": "new",
            "horaires.txt": "new",
            "page.html": "new",
            "photo.png": "unsupported",
        }
        assert extractor.extractions == 4
        documents = store.documents()
        assert {d.kind for d in documents} == {"file"}
        assert {d.audience for d in documents} == {"professional"}
        pdf = store.get((folder / "tarifs.pdf").resolve().as_uri())
        assert pdf is not None and pdf.title == "Tarifs 2026"

        second, extractor = crawl(store, folder, tmp_path / "reports")
        assert extractor.extractions == 0
        assert set(outcomes(second).values()) == {"unchanged", "unsupported"}

        (folder / "horaires.txt").write_text("Horaires\n\nMardi 9 h – 11 h.\n", encoding="utf-8")
        (folder / "sub" / "procedure.docx").unlink()
        third, extractor = crawl(store, folder, tmp_path / "reports")
        assert extractor.extractions == 1
        assert outcomes(third)["horaires.txt"] == "changed"
        assert third.complete is True
        assert third.gone_absent == [(folder / "sub" / "procedure.docx").resolve().as_uri()]
        assert store.count() == 3
        assert store.count(status="gone") == 1
