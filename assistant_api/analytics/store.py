"""The feedback and "angles morts" store: SQLite under the data dir (``analytics.db``).

Only redacted text reaches this module (the recorder redacts first). Rows older than the
retention period are purged at start-up and after writes, at most once an hour, and their
bytes are overwritten (``secure_delete``). The API
process is stateless apart from this store; PostgreSQL by URL is a later step (same schema).

A write that fails (a full disk above all: SQLITE_FULL) is rolled back, raised as
:class:`AnalyticsStoreError` to the caller, and remembered in :attr:`AnalyticsStore.failure`
until a write succeeds again, so that ``/health`` and ``POST /v1/feedback`` can say so instead
of accepting what cannot be kept.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel

from ingest.store import is_disk_full
from permanence.errors import PermanenceError
from permanence.sqlite_schema import Schema, connect

__all__ = [
    "ANALYTICS_SCHEMA",
    "AnalyticsStore",
    "AnalyticsStoreError",
    "AnalyticsStoreFullError",
    "AnswerRecord",
    "BlindSpot",
    "BlindSpotGroup",
    "BlindSpotReport",
    "FeedbackRecord",
]

#: An answer below this confidence counts as a blind spot (same scale as AskResponse.confidence).
LOW_CONFIDENCE = 0.35
#: Seconds between two retention purges triggered by writes.
PURGE_INTERVAL_S = 3600.0
#: Examples of redacted questions shown per group.
EXAMPLES_PER_GROUP = 5

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    answer_id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    question TEXT NOT NULL,
    kind TEXT NOT NULL,
    language TEXT NOT NULL,
    commune TEXT,
    theme TEXT NOT NULL,
    confidence REAL NOT NULL,
    institutions TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_created ON answers(created_at);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    rating TEXT NOT NULL,
    institution_id TEXT,
    comment TEXT
);
CREATE INDEX IF NOT EXISTS feedback_answer ON feedback(answer_id);
CREATE INDEX IF NOT EXISTS feedback_created ON feedback(created_at);
"""

#: The layout history of ``analytics.db``: version 1 is the layout above, which files from
#: before versions were recorded already have (``IF NOT EXISTS``: they are stamped 1 as is).
ANALYTICS_SCHEMA = Schema(steps=(_SCHEMA,))


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    """One answered question, already redacted."""

    answer_id: str
    question: str
    kind: str
    language: str
    commune: str | None
    theme: str
    confidence: float
    institutions: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    """One feedback, comment already redacted."""

    answer_id: str
    rating: str
    institution_id: str | None
    comment: str | None
    created_at: datetime


class BlindSpot(BaseModel):
    question: str
    reason: str
    kind: str
    confidence: float
    created_at: str


class BlindSpotGroup(BaseModel):
    theme: str
    language: str
    commune: str | None
    count: int
    reasons: dict[str, int]
    examples: list[BlindSpot]


class BlindSpotReport(BaseModel):
    """Questions the network answers badly, grouped by theme, language and commune."""

    since: str
    total: int
    groups: list[BlindSpotGroup]


logger = logging.getLogger(__name__)


class AnalyticsStoreError(PermanenceError):
    """A write to ``analytics.db`` failed and was rolled back; nothing of it is stored."""


class AnalyticsStoreFullError(AnalyticsStoreError):
    """SQLITE_FULL: the disk (or the file's ``max_pages`` cap) is full; free space."""


def _now() -> datetime:
    return datetime.now(UTC)


class AnalyticsStore:
    """Thread-safe (one connection, one lock); cheap enough for the write rate of one API."""

    def __init__(self, path: Path, *, retention_days: int, max_pages: int | None = None) -> None:
        """Open (or create) the store.

        Args:
            path: ``analytics.db``.
            retention_days: Rows older than this are purged.
            max_pages: A cap on the file's size in SQLite pages (4 KiB each); writes past it
                fail as on a full disk. ``None``: no cap but the disk's.
        """
        if retention_days < 1:
            raise ValueError(f"retention_days={retention_days} must be at least 1")
        if max_pages is not None and max_pages < 1:
            raise ValueError(f"max_pages={max_pages} must be at least 1")
        self._path = path
        self._retention = timedelta(days=retention_days)
        self._lock = threading.Lock()
        self._conn = connect(path, ANALYTICS_SCHEMA, timeout=5.0)  # sqlite3's default wait
        # A purged row is overwritten with zeros, not left in a free page of the file: past
        # the retention period the text is gone from the disk, not only from the tables.
        self._conn.execute("PRAGMA secure_delete = ON")
        if max_pages is not None:
            self._conn.execute(f"PRAGMA max_page_count = {int(max_pages)}")
        self._failure: str | None = None
        self._last_purge = 0.0
        try:
            self.purge()
        except AnalyticsStoreError as exc:  # a full disk must not keep the API from starting
            logger.warning("retention purge at start-up failed: %s", exc)

    @property
    def failure(self) -> str | None:
        """Why the last write failed; ``None`` once a write has succeeded again."""
        return self._failure

    def _write(self, sql: str, params: Sequence[object]) -> int:
        """Run one write and commit it; a failure is rolled back, remembered and raised.

        Raises:
            AnalyticsStoreFullError: SQLITE_FULL.
            AnalyticsStoreError: any other SQLite failure.
        """
        with self._lock:
            try:
                rows = self._conn.execute(sql, params).rowcount
                self._conn.commit()
            except sqlite3.Error as exc:
                if self._conn.in_transaction:
                    try:
                        self._conn.rollback()
                    except sqlite3.Error as rollback_error:
                        logger.warning("analytics rollback failed: %s", rollback_error)
                if is_disk_full(exc):
                    self._failure = "disk full: analytics.db cannot grow"
                    raise AnalyticsStoreFullError(
                        f"{self._path} is full (disk or size cap); the record was not stored"
                    ) from exc
                self._failure = f"write failed: {type(exc).__name__}"
                raise AnalyticsStoreError(f"{self._path}: write failed: {exc}") from exc
            self._failure = None
            return int(rows)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def add_answer(self, record: AnswerRecord) -> None:
        """Store one answer.

        Raises:
            AnalyticsStoreError: the write failed (a full disk: :class:`AnalyticsStoreFullError`).
        """
        self._write(
            "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.answer_id,
                record.created_at.isoformat(),
                record.question,
                record.kind,
                record.language,
                record.commune,
                record.theme,
                record.confidence,
                ",".join(record.institutions),
            ),
        )
        self._maybe_purge()

    def add_feedback(self, record: FeedbackRecord) -> None:
        """Store one feedback.

        Raises:
            AnalyticsStoreError: the write failed (a full disk: :class:`AnalyticsStoreFullError`).
        """
        self._write(
            "INSERT INTO feedback (answer_id, created_at, rating, institution_id, comment) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                record.answer_id,
                record.created_at.isoformat(),
                record.rating,
                record.institution_id,
                record.comment,
            ),
        )
        self._maybe_purge()

    def purge(self, *, now: datetime | None = None) -> int:
        """Delete rows older than the retention period; returns how many went."""
        cutoff = ((now or _now()) - self._retention).isoformat()
        gone = self._write("DELETE FROM answers WHERE created_at < ?", (cutoff,))
        gone += self._write("DELETE FROM feedback WHERE created_at < ?", (cutoff,))
        self._last_purge = time.monotonic()
        return gone

    def _maybe_purge(self) -> None:
        if time.monotonic() - self._last_purge > PURGE_INTERVAL_S:
            try:
                self.purge()
            except AnalyticsStoreError as exc:  # the record itself was stored; failure is kept
                logger.warning("retention purge failed: %s", exc)

    def counts(self) -> dict[str, int]:
        with self._lock:
            answers = self._conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
            feedback = self._conn.execute("SELECT COUNT(*) FROM feedback").fetchone()[0]
        return {"answers": int(answers), "feedback": int(feedback)}

    def institution_counts(self, *, days: int, now: datetime | None = None) -> dict[str, int]:
        """How many answers of the last ``days`` named each institution (the stewardship view).

        Answers record the institutions they named, not which of their facts were shown.
        """
        since = ((now or _now()) - timedelta(days=days)).isoformat()
        with self._lock:
            rows = self._conn.execute(
                "SELECT institutions FROM answers WHERE created_at >= ?", (since,)
            ).fetchall()
        counts: dict[str, int] = {}
        for (names,) in rows:
            for name in str(names).split(","):
                if name:
                    counts[name] = counts.get(name, 0) + 1
        return counts

    def all_text(self) -> list[str]:
        """Every stored free text (questions and comments): what a privacy audit reads."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT question FROM answers UNION ALL "
                "SELECT comment FROM feedback WHERE comment IS NOT NULL"
            ).fetchall()
        return [str(r[0]) for r in rows]

    def blind_spots(
        self, *, days: int = 30, languages: Sequence[str] = (), now: datetime | None = None
    ) -> BlindSpotReport:
        """no_answer, low-confidence and unhelpful answers of the last ``days``, grouped."""
        since = ((now or _now()) - timedelta(days=days)).isoformat()
        with self._lock:
            rows = self._conn.execute(
                """
                SELECT a.answer_id, a.created_at, a.question, a.kind, a.language, a.commune,
                       a.theme, a.confidence,
                       (SELECT GROUP_CONCAT(f.rating) FROM feedback f
                         WHERE f.answer_id = a.answer_id
                           AND f.rating IN ('not_helpful', 'wrong_institution'))
                FROM answers a
                WHERE a.created_at >= ? AND a.kind IN ('orientation', 'no_answer', 'emergency')
                ORDER BY a.created_at DESC
                """,
                (since,),
            ).fetchall()
        groups: dict[tuple[str, str, str | None], BlindSpotGroup] = {}
        total = 0
        for _id, created, question, kind, language, commune, theme, confidence, bad in rows:
            reasons = []
            if kind == "no_answer":
                reasons.append("no_answer")
            elif kind == "orientation" and confidence < LOW_CONFIDENCE:
                reasons.append("low_confidence")
            if bad:
                reasons.extend(sorted(set(str(bad).split(","))))
            if not reasons or (languages and language not in languages):
                continue
            total += 1
            key = (theme, language, commune)
            group = groups.setdefault(
                key,
                BlindSpotGroup(
                    theme=theme,
                    language=language,
                    commune=commune,
                    count=0,
                    reasons={},
                    examples=[],
                ),
            )
            group.count += 1
            for reason in reasons:
                group.reasons[reason] = group.reasons.get(reason, 0) + 1
            if len(group.examples) < EXAMPLES_PER_GROUP:
                group.examples.append(
                    BlindSpot(
                        question=question,
                        reason=reasons[0],
                        kind=kind,
                        confidence=float(confidence),
                        created_at=created,
                    )
                )
        ordered = sorted(
            groups.values(), key=lambda g: (-g.count, g.theme, g.language, g.commune or "")
        )
        return BlindSpotReport(since=since, total=total, groups=ordered)
