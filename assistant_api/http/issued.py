"""The answer ids this server issued recently, so feedback can only be about a real answer.

Without it ``/v1/feedback`` stored a rating for any 32 hex digits a client made up, which lets
anyone fill ``analytics.db`` with fake ratings. Bounded twice: ids older than the TTL are
forgotten, and past ``max_ids`` the oldest go first. Ids live in memory only (a restart
forgets them, and feedback on an answer from before it is refused, which is the safe side).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

__all__ = ["ANSWER_ID_TTL_S", "MAX_ANSWER_IDS", "IssuedAnswers"]

#: Feedback comes within minutes of an answer; a day leaves room for a tab left open.
ANSWER_ID_TTL_S = 24 * 3600.0
#: ~120 bytes per id: 100,000 ids are ~12 MB, more than a day of the canton's questions.
MAX_ANSWER_IDS = 100_000


class IssuedAnswers:
    """A thread-safe TTL set of answer ids: ``add`` when answering, ``issued`` on feedback."""

    def __init__(
        self,
        *,
        ttl_s: float = ANSWER_ID_TTL_S,
        max_ids: int = MAX_ANSWER_IDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl_s <= 0 or max_ids < 1:
            raise ValueError(f"ttl_s={ttl_s} must be positive and max_ids={max_ids} at least 1")
        self._ttl = ttl_s
        self._max = max_ids
        self._clock = clock
        self._ids: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, answer_id: str) -> None:
        now = self._clock()
        with self._lock:
            self._ids.pop(answer_id, None)
            self._ids[answer_id] = now
            self._expire(now)

    def issued(self, answer_id: str) -> bool:
        """Whether ``answer_id`` was added less than the TTL ago (and not pushed out since)."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            return answer_id in self._ids

    def __len__(self) -> int:
        with self._lock:
            return len(self._ids)

    def _expire(self, now: float) -> None:
        while self._ids:
            oldest, added = next(iter(self._ids.items()))
            if len(self._ids) <= self._max and now - added < self._ttl:
                break
            del self._ids[oldest]
