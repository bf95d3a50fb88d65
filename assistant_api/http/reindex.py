"""Re-ingest the configured corpus and bring the index in line, in a background thread.

One job at a time per process. The running service keeps answering during the job (the index
is updated in place, chunk by chunk); when the job ends the service's institution records are
swapped for the new ones, so new contact facts show without a restart.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel

from assistant_api.runtime import AssistantRuntime
from ingest.corpus_sync import read_institutions, sync_corpus

__all__ = ["ReindexJob", "ReindexStatus"]

logger = logging.getLogger(__name__)


class ReindexStatus(BaseModel):
    state: Literal["idle", "running", "done", "failed"]
    started_at: str | None = None
    finished_at: str | None = None
    detail: str = ""


class ReindexJob:
    """``start()`` launches the job unless one runs; ``status`` says how it went."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._status = ReindexStatus(state="idle")
        self._thread: threading.Thread | None = None

    @property
    def status(self) -> ReindexStatus:
        return self._status

    def start(self, runtime: AssistantRuntime) -> bool:
        """False when a job is already running."""
        with self._lock:
            if self._status.state == "running":
                return False
            self._status = ReindexStatus(state="running", started_at=datetime.now(UTC).isoformat())
            self._thread = threading.Thread(
                target=self._run, args=(runtime,), name="reindex", daemon=True
            )
            self._thread.start()
            return True

    def wait(self, timeout: float | None = None) -> ReindexStatus:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self._status

    def _run(self, runtime: AssistantRuntime) -> None:
        settings = runtime.settings
        try:
            institutions = read_institutions(settings.corpus_dir)
            sync = sync_corpus(runtime.store, institutions)
            report = runtime.search_index.indexer.run(runtime.store.documents(status="active"))
            records = runtime.service.institutions
            fresh = {i.id: i for i in institutions}
            records.update(fresh)
            for stale in set(records) - set(fresh):
                del records[stale]
            detail = (
                f"{sync.institutions} institutions ({sync.new} new, {sync.changed} changed, "
                f"{sync.gone} gone); {report.chunks} chunks ({report.added} added, "
                f"{report.deleted} deleted)"
            )
            state: Literal["done", "failed"] = "done"
            logger.info("reindex done: %s", detail)
        except Exception as exc:  # the job reports any failure in its status; the API stays up
            logger.exception("reindex failed")
            detail = f"{type(exc).__name__}: {exc}"
            state = "failed"
        self._status = ReindexStatus(
            state=state,
            started_at=self._status.started_at,
            finished_at=datetime.now(UTC).isoformat(),
            detail=detail,
        )
