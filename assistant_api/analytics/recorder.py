"""Records answers and feedback for analytics, redacting them first, off the request path.

The raw question only ever lives in this process's memory (the queue); a worker thread
redacts it and only then writes it to the analytics store. The worker also loads the
redactor (Presidio takes 20–60 s), so start-up and request latency never wait for it.
A question or comment about health, addiction, disability, violence or an emergency is not
stored at all, only its theme (``sensitive.py``: :data:`WITHHELD` stands in its place).
Nothing is logged with the question in it.

Feedback is the one record a person waits for: :meth:`AnalyticsRecorder.record_feedback`
returns a future that fails when the feedback could not be stored (a full disk, a full
queue), so the route can answer 503 instead of 202 for what was dropped.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime

from assistant_api.analytics.redaction import Redactor, RegexRedactor
from assistant_api.analytics.sensitive import WITHHELD
from assistant_api.analytics.store import (
    AnalyticsStore,
    AnalyticsStoreError,
    AnswerRecord,
    FeedbackRecord,
)
from assistant_api.analytics.themes import ThemeClassifier
from assistant_api.models import AskResponse, FeedbackRequest

__all__ = ["AnalyticsRecorder"]

logger = logging.getLogger(__name__)

#: Pending events kept in memory; beyond this, new events are dropped (and counted).
MAX_PENDING = 10_000
#: Seconds ``close`` waits for the queue to drain; what is left then is dropped, not stored raw.
CLOSE_TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class _AnswerEvent:
    question: str
    response: AskResponse
    commune: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class _FeedbackEvent:
    feedback: FeedbackRequest
    at: datetime
    stored: Future[None] = field(default_factory=Future)


_Event = _AnswerEvent | _FeedbackEvent | None


class AnalyticsRecorder:
    """Queue → redact → store, in one daemon thread."""

    def __init__(
        self, *, store: AnalyticsStore, redactor: Redactor, themes: ThemeClassifier
    ) -> None:
        self._store = store
        self._redactor = redactor
        self._fallback = RegexRedactor()
        self._themes = themes
        self._queue: queue.Queue[_Event] = queue.Queue(maxsize=MAX_PENDING)
        self._thread = threading.Thread(target=self._run, name="analytics-recorder", daemon=True)
        self._closing = threading.Event()
        self._abandon = threading.Event()
        self.dropped = 0
        self._thread.start()

    @property
    def pending(self) -> int:
        """Events waiting for redaction (Presidio redacts ~10–100 questions/s on 2 cores)."""
        return self._queue.qsize()

    @property
    def redactor_name(self) -> str:
        return self._redactor.name

    def record_answer(self, question: str, response: AskResponse, *, commune: str | None) -> None:
        self._put(_AnswerEvent(question, response, commune, datetime.now(UTC)))

    def record_feedback(self, feedback: FeedbackRequest) -> Future[None]:
        """Queue feedback; the future is done once it is stored, or fails with
        :class:`AnalyticsStoreError` when it could not be (it is then dropped)."""
        event = _FeedbackEvent(feedback, datetime.now(UTC))
        if not self._put(event):
            event.stored.set_exception(AnalyticsStoreError("the analytics queue is full"))
        return event.stored

    def _put(self, event: _Event) -> bool:
        try:
            self._queue.put_nowait(event)
        except queue.Full:
            self.dropped += 1
            logger.warning("analytics queue full; %d events dropped so far", self.dropped)
            return False
        return True

    def flush(self, timeout: float = 120.0) -> bool:
        """Wait until every queued event is stored; False on timeout (tests, admin reads)."""
        done = threading.Event()

        def _wait() -> None:
            self._queue.join()
            done.set()

        threading.Thread(target=_wait, daemon=True).start()
        return done.wait(timeout)

    def close(self) -> None:
        """Store what can be redacted within ``CLOSE_TIMEOUT_S``; drop the rest (never raw)."""
        self._closing.set()
        with contextlib.suppress(queue.Full):
            self._queue.put(None, timeout=CLOSE_TIMEOUT_S)
        self._thread.join(CLOSE_TIMEOUT_S)
        if self._thread.is_alive():
            self._abandon.set()
            self._thread.join(CLOSE_TIMEOUT_S)
            logger.warning(
                "analytics recorder closed with a backlog; %d events dropped", self.dropped
            )

    def _redact(self, text: str) -> str:
        redactor = self._redactor
        try:
            return redactor.redact(text)
        except Exception:  # a broken model must not leak the raw text: fall back, never store raw
            logger.exception("redactor %s failed; using the regex redactor", redactor.name)
            return self._fallback.redact(text)

    def _run(self) -> None:
        warm_up = getattr(self._redactor, "warm_up", None)
        if callable(warm_up):
            try:
                warm_up()
            except Exception:
                logger.exception("redactor %s failed to load; using regex", self._redactor.name)
                self._redactor = self._fallback
        while True:
            event = self._queue.get()
            try:
                if event is None:
                    return
                if self._abandon.is_set():
                    self.dropped += 1
                    _fail(event, AnalyticsStoreError("the recorder closed before storing it"))
                    continue
                self._handle(event)
                if isinstance(event, _FeedbackEvent):
                    event.stored.set_result(None)
            except AnalyticsStoreError as exc:
                self.dropped += 1
                logger.error("analytics event dropped: %s", exc)
                _fail(event, exc)
            except Exception as exc:
                logger.exception("analytics event could not be stored")
                _fail(event, AnalyticsStoreError(f"{type(exc).__name__} while storing"))
            finally:
                self._queue.task_done()

    def _handle(self, event: _AnswerEvent | _FeedbackEvent) -> None:
        if isinstance(event, _AnswerEvent):
            response = event.response
            theme = self._themes.classify(event.question, response)
            self._store.add_answer(
                AnswerRecord(
                    answer_id=response.answer_id,
                    question=self._kept_text(
                        event.question, emergency=response.kind == "emergency"
                    ),
                    kind=response.kind,
                    language=response.language,
                    commune=event.commune,
                    theme=theme,
                    confidence=response.confidence,
                    institutions=tuple(card.id for card in response.institutions),
                    created_at=event.at,
                )
            )
            return
        feedback = event.feedback
        self._store.add_feedback(
            FeedbackRecord(
                answer_id=feedback.answer_id,
                rating=feedback.rating,
                institution_id=self._themes.known_institution(feedback.institution_id),
                comment=self._kept_text(feedback.comment) if feedback.comment else None,
                created_at=event.at,
            )
        )

    def _kept_text(self, text: str, *, emergency: bool = False) -> str:
        """What the store keeps of a question or comment: nothing when it is sensitive (only
        its theme), else the text redacted."""
        if self._themes.is_sensitive(text, emergency=emergency):
            return WITHHELD
        return self._redact(text)


def _fail(event: _Event, error: AnalyticsStoreError) -> None:
    """Tell whoever waits for a feedback that it was not stored."""
    if isinstance(event, _FeedbackEvent) and not event.stored.done():
        event.stored.set_exception(error)
