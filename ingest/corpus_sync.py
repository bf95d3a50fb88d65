"""Load the curated institution records into the document store.

The records become both the institution table (contact facts for the answer cards) and one
fiche document each (text to retrieve and cite). Records removed from the corpus are marked
gone, so their chunks leave the index at the next ``permanence index``.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from ingest.corpus.loader import load_corpus
from ingest.errors import CorpusError
from ingest.fiche import CORPUS_SOURCE_ID, fiche_document
from ingest.records import Institution
from ingest.store import DocumentStore

__all__ = ["CorpusSyncReport", "corpus_version", "read_institutions", "sync_corpus"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CorpusSyncReport:
    institutions: int
    new: int
    changed: int
    unchanged: int
    gone: int


def read_institutions(corpus_dir: Path) -> list[Institution]:
    """Every record of ``corpus_dir``, sorted by id.

    Raises:
        CorpusError: the folder is missing or holds no record, or a record is invalid (every
            problem is listed, as by :func:`ingest.corpus.load_corpus`).
    """
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist")
    records = load_corpus(corpus_dir)
    if not records:
        raise CorpusError(f"corpus folder {corpus_dir} holds no institution record (*.yaml)")
    return sorted(records, key=lambda r: r.id)


def corpus_version(institutions: list[Institution]) -> str:
    """A short fingerprint of the records, shown by ``/health`` to tell deployments apart."""
    digest = hashlib.sha256()
    for record in sorted(institutions, key=lambda r: r.id):
        digest.update(record.model_dump_json().encode("utf-8"))
    return f"{len(institutions)}-{digest.hexdigest()[:12]}"


def sync_corpus(store: DocumentStore, institutions: list[Institution]) -> CorpusSyncReport:
    """Write ``institutions`` and their fiche documents; mark fiches of removed records gone."""
    store.put_institutions(institutions)
    counts = {"new": 0, "changed": 0, "unchanged": 0}
    urls: set[str] = set()
    for institution in institutions:
        document = fiche_document(institution)
        urls.add(document.url)
        counts[store.upsert(document).change] += 1
    gone = store.confirm_gone(store.urls(source_id=CORPUS_SOURCE_ID) - urls)
    store.set_meta("corpus_version", corpus_version(institutions))
    report = CorpusSyncReport(institutions=len(institutions), gone=gone, **counts)
    logger.info("corpus sync: %s", report)
    return report
