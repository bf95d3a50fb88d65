"""The feedback and "angles morts" store: SQLite under the data dir (``analytics.db``).

Only redacted text reaches this module (the recorder redacts first). Rows older than the
retention period are purged at start-up and after writes, at most once an hour, and their
bytes are overwritten (``secure_delete``). The API
process is stateless apart from this store; PostgreSQL by URL is a later step (same schema).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel

from permanence.sqlite_schema import Schema, connect

__all__ = [
    "ANALYTICS_SCHEMA",
    "AnalyticsStore",
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


def _now() -> datetime:
    return datetime.now(UTC)


class AnalyticsStore:
    """Thread-safe (one connection, one lock); cheap enough for the write rate of one API."""

    def __init__(self, path: Path, *, retention_days: int) -> None:
        if retention_days < 1:
            raise ValueError(f"retention_days={retention_days} must be at least 1")
        self._path = path
        self._retention = timedelta(days=retention_days)
        self._lock = threading.Lock()
        self._conn = connect(path, ANALYTICS_SCHEMA, timeout=5.0)  # sqlite3's default wait
        # A purged row is overwritten with zeros, not left in a free page of the file: past
        # the retention period the text is gone from the disk, not only from the tables.
        self._conn.execute("PRAGMA secure_delete = ON")
        self._last_purge = 0.0
        self.purge()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def add_answer(self, record: AnswerRecord) -> None:
        with self._lock:
            self._conn.execute(
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
            self._conn.commit()
        self._maybe_purge()

    def add_feedback(self, record: FeedbackRecord) -> None:
        with self._lock:
            self._conn.execute(
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
            self._conn.commit()
        self._maybe_purge()

    def purge(self, *, now: datetime | None = None) -> int:
        """Delete rows older than the retention period; returns how many went."""
        cutoff = ((now or _now()) - self._retention).isoformat()
        with self._lock:
            gone = self._conn.execute(
                "DELETE FROM answers WHERE created_at < ?", (cutoff,)
            ).rowcount
            gone += self._conn.execute(
                "DELETE FROM feedback WHERE created_at < ?", (cutoff,)
            ).rowcount
            self._conn.commit()
        self._last_purge = time.monotonic()
        return int(gone)

    def _maybe_purge(self) -> None:
        if time.monotonic() - self._last_purge > PURGE_INTERVAL_S:
            self.purge()

    def counts(self) -> dict[str, int]:
        with self._lock:
            answers = self._conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
            feedback = self._conn.execute("SELECT COUNT(*) FROM feedback").fetchone()[0]
        return {"answers": int(answers), "feedback": int(feedback)}

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
